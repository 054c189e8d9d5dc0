"""Open roles are found with a visibility query; values are quoted so any criterion name is safe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from activities.roles import RoleActivities, criteria_from_memo, open_roles_query, quote_literal
from recruitment.models import OpenRoleQuery

BASE = (
    "WorkflowType = 'Recruitment' AND ExecutionStatus = 'Running'"
    " AND RecruitmentStage = 'interviewing'"
)


def test_without_criteria_every_interviewing_role_matches() -> None:
    assert open_roles_query([]) == BASE


def test_criteria_become_an_in_list() -> None:
    assert open_roles_query(["Python", "Samarbete"]) == (
        BASE + " AND RoleCriteria IN ('Python', 'Samarbete')"
    )


def test_duplicates_and_blanks_are_dropped() -> None:
    assert open_roles_query(["Python", "", "Python"]) == BASE + " AND RoleCriteria IN ('Python')"


def test_single_quotes_are_doubled() -> None:
    assert quote_literal("O'Brien's") == "'O''Brien''s'"
    assert open_roles_query(["Kund'fokus", "SQL"]) == (
        BASE + " AND RoleCriteria IN ('Kund''fokus', 'SQL')"
    )


def test_an_injected_clause_stays_inside_the_literal() -> None:
    query = open_roles_query(["x') OR ('1' = '1"])
    assert query.endswith("RoleCriteria IN ('x'') OR (''1'' = ''1')")


def test_memo_criteria_are_read_leniently() -> None:
    criteria = criteria_from_memo(
        [
            {"name": "Python", "weight": 5, "description": "API:er", "added_later": True},
            {"weight": 2},
            "not a criterion",
        ]
    )
    assert [(c.name, c.weight, c.description) for c in criteria] == [("Python", 5, "API:er")]
    assert criteria_from_memo(None) == []


class _Execution:
    def __init__(self, workflow_id: str, memo: dict[str, Any], role_id: str | None) -> None:
        self.id = workflow_id
        self._memo = memo
        pairs = [SearchAttributePair(SearchAttributeKey.for_keyword("RoleId"), role_id)]
        self.typed_search_attributes = TypedSearchAttributes(pairs if role_id else [])

    async def memo(self) -> dict[str, Any]:
        return self._memo


class _Visibility:
    """Stands in for the Temporal client: answers list_workflows and remembers the query."""

    def __init__(self, executions: list[_Execution]) -> None:
        self.executions = executions
        self.queries: list[str] = []

    async def list_workflows(self, query: str) -> AsyncIterator[_Execution]:
        self.queries.append(query)
        for execution in self.executions:
            yield execution


async def test_find_open_roles_reads_memo_and_skips_excluded() -> None:
    python = {"name": "Python", "weight": 5, "description": ""}
    visibility = _Visibility(
        [
            _Execution(
                "role-backend-dev",
                {"title": "Backendutvecklare", "criteria": [python]},
                "backend-dev",
            ),
            _Execution("role-data-eng", {"title": "Dataingenjör", "criteria": [python]}, None),
            _Execution("role-old-role", {"title": "Gammal", "criteria": []}, "old-role"),
        ]
    )
    activities = RoleActivities(visibility)  # type: ignore[arg-type]

    found = await activities.find_open_roles(
        OpenRoleQuery(criteria=["Python"], exclude_role_ids=["old-role"])
    )

    assert visibility.queries == [open_roles_query(["Python"])]
    assert [(r.role_id, r.title) for r in found.roles] == [
        ("backend-dev", "Backendutvecklare"),
        ("data-eng", "Dataingenjör"),
    ]
    assert [c.name for c in found.roles[0].criteria] == ["Python"]
