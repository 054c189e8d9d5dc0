"""Names that ops see: search attributes, memo keys and the task queue.

Kept here as plain strings so the workflow, the activities and the CLI agree on one spelling.
"""

TASK_QUEUE = "recruitment"
RECRUITMENT_WORKFLOW = "Recruitment"
REENGAGEMENT_WORKFLOW = "Reengagement"
RETENTION_SWEEP_WORKFLOW = "RetentionSweep"
# The Temporal Schedule that runs the retention sweep; `recruit dev` creates it.
RETENTION_SCHEDULE_ID = "winwin-retention-sweep"

SA_STAGE = "RecruitmentStage"
SA_ROLE_ID = "RoleId"
SA_RECRUITER = "RecruiterEmail"
SA_CRITERIA = "RoleCriteria"
SA_APPLICANTS = "ApplicantCount"
SA_OPEN_CALLS = "OpenCalls"

# name -> type, spelled as `temporal server start-dev --search-attribute` wants it
SEARCH_ATTRIBUTES: dict[str, str] = {
    SA_STAGE: "Keyword",
    SA_ROLE_ID: "Keyword",
    SA_RECRUITER: "Keyword",
    SA_CRITERIA: "KeywordList",
    SA_APPLICANTS: "Int",
    SA_OPEN_CALLS: "Int",
}

MEMO_TITLE = "title"
MEMO_CRITERIA = "criteria"


def role_workflow_id(role_id: str) -> str:
    return f"role-{role_id}"


def reengagement_workflow_id(role_id: str, candidate_id: str) -> str:
    return f"reengage-{role_id}-{candidate_id}"
