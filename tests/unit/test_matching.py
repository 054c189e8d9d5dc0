from __future__ import annotations

from recruitment.matching import match_roles, strong_criteria
from recruitment.models import Criterion, OpenRole


def open_role(role_id: str, title: str, **weights: int) -> OpenRole:
    return OpenRole(
        role_id=role_id,
        title=title,
        criteria=[Criterion(name=name.replace("_", " "), weight=w) for name, w in weights.items()],
    )


ROLES = [
    open_role("data-eng", "Data engineer", python=3, SQL=2),
    open_role("platform", "Platform engineer", Kubernetes=4, Python=1),
    open_role("designer", "Product designer", Figma=5),
    open_role("team-lead", "Team lead", Communication=3, System_design=3),
]


def test_strong_criteria_are_those_scored_three_or_more():
    scores = {"Python": 3, "System design": 2, "Communication": 4}
    assert strong_criteria(scores) == ["Python", "Communication"]
    assert strong_criteria(scores, threshold=4) == ["Communication"]
    assert strong_criteria({"Python": 1}) == []


def test_roles_are_matched_case_insensitively_and_ordered_by_weighted_overlap():
    matches = match_roles(["Python", "Communication", "system design"], ROLES)
    assert [(m.role_id, m.overlap, m.weighted_overlap) for m in matches] == [
        ("team-lead", ["Communication", "System design"], 1.0),
        ("data-eng", ["python"], 0.6),
        ("platform", ["Python"], 0.2),
    ]
    assert matches[0].title == "Team lead"


def test_roles_without_overlap_are_left_out():
    assert match_roles(["Cobol"], ROLES) == []
    assert match_roles([], ROLES) == []


def test_excluded_roles_are_left_out():
    matches = match_roles(["Python"], ROLES, exclude_role_ids=["data-eng"])
    assert [m.role_id for m in matches] == ["platform"]


def test_equal_overlap_is_ordered_by_role_id():
    roles = [open_role("b-role", "B", Python=2), open_role("a-role", "A", Python=2)]
    assert [m.role_id for m in match_roles(["python"], roles)] == ["a-role", "b-role"]


def test_weighted_overlap_is_rounded_to_two_decimals():
    roles = [open_role("thirds", "Thirds", Python=1, SQL=1, Go=1)]
    assert match_roles(["Python"], roles)[0].weighted_overlap == 0.33
