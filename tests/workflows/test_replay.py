"""Saved histories from earlier workflow code must replay on today's code.

`tests/histories/*.json` are real event histories recorded by `python -m tests.workflows.record`.
If a change to workflow code makes one of them fail here, running workflows would break on
deploy: guard the change with `workflow.patched(...)` instead.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.recruitment import RecruitmentWorkflow
from workflows.reengagement import ReengagementWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"


def saved_histories() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


def test_histories_are_saved() -> None:
    names = {path.stem for path in saved_histories()}
    assert {"recruitment-story", "reengagement-matched"} <= names


@pytest.mark.parametrize("path", saved_histories(), ids=lambda path: path.stem)
async def test_saved_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    replayer = Replayer(
        workflows=[RecruitmentWorkflow, ReengagementWorkflow],
        data_converter=pydantic_data_converter,
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name} no longer replays: {result.replay_failure}"
