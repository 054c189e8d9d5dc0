"""The role and notes files the README shows are ones `recruit` accepts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from recruitment.models import InterviewNotes, RoleOpening

README = Path(__file__).resolve().parents[2] / "README.md"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_role_file_opens_a_role() -> None:
    role = next(block for block in yaml_blocks() if block.startswith("id:"))
    opening = RoleOpening.model_validate(yaml.safe_load(role))
    assert [c.name for c in opening.criteria] == ["Python", "System design", "Collaboration"]
    assert opening.criteria[0].description == "Writes clear, tested Python"
    assert opening.policy.call_due == 2


def test_the_readme_notes_file_records_an_interview() -> None:
    notes = next(block for block in yaml_blocks() if block.startswith("interviewer:"))
    recorded = InterviewNotes.model_validate(
        {**yaml.safe_load(notes), "candidate_id": "anna-lindqvist"}
    )
    assert recorded.improvement_potential
