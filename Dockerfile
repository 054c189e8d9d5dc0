# The Winwin worker image: `recruit worker` against the Temporal that TEMPORAL_ADDRESS names.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY recruitment ./recruitment
COPY workflows ./workflows
COPY activities ./activities
COPY starter ./starter
COPY worker.py ./
RUN pip install --no-cache-dir .
ENV RECRUIT_DATA_DIR=/data RECRUIT_LOG_FORMAT=json
VOLUME /data
CMD ["recruit", "worker"]
