"""Finds roles still interviewing, for re-engagement matches, through Temporal visibility.

There is no side registry of open roles: a role is open while its Recruitment workflow runs in the
`interviewing` stage, and its title and criteria are read from the workflow's memo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from temporalio import activity
from temporalio.client import Client, WorkflowExecution
from temporalio.common import SearchAttributeKey

from activities.logs import get_logger
from recruitment.models import Criterion, OpenRole, OpenRoleQuery, OpenRoles, Stage
from recruitment.ops import (
    MEMO_CRITERIA,
    MEMO_TITLE,
    RECRUITMENT_WORKFLOW,
    SA_CRITERIA,
    SA_ROLE_ID,
    SA_STAGE,
)

ROLE_WORKFLOW_PREFIX = "role-"
_ROLE_ID_KEY = SearchAttributeKey.for_keyword(SA_ROLE_ID)

_log = get_logger(component="roles")


def quote_literal(value: str) -> str:
    """A visibility-query string literal; a single quote inside is doubled, as in SQL."""
    return "'" + value.replace("'", "''") + "'"


def open_roles_query(criteria: Iterable[str]) -> str:
    """The list filter for running roles in the interviewing stage, sharing any of `criteria`."""
    query = (
        f"WorkflowType = {quote_literal(RECRUITMENT_WORKFLOW)}"
        " AND ExecutionStatus = 'Running'"
        f" AND {SA_STAGE} = {quote_literal(Stage.INTERVIEWING.value)}"
    )
    wanted = list(dict.fromkeys(c for c in criteria if c))
    if wanted:
        query += f" AND {SA_CRITERIA} IN ({', '.join(quote_literal(c) for c in wanted)})"
    return query


def role_id_of(execution: WorkflowExecution) -> str:
    role_id = execution.typed_search_attributes.get(_ROLE_ID_KEY)
    if role_id:
        return role_id
    return execution.id.removeprefix(ROLE_WORKFLOW_PREFIX)


def criteria_from_memo(raw: Any) -> list[Criterion]:
    """Criteria as the workflow stored them in its memo; malformed ones are left out."""
    if not isinstance(raw, list):
        return []
    criteria = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        # Only the fields Criterion knows, so a memo written by a newer workflow still reads.
        fields = {k: item[k] for k in Criterion.model_fields if k in item}
        try:
            criteria.append(Criterion.model_validate(fields))
        except ValidationError:
            continue
    return criteria


class RoleActivities:
    """The `find_open_roles` activity, over a Temporal client's visibility API."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @activity.defn(name="find_open_roles")
    async def find_open_roles(self, query: OpenRoleQuery) -> OpenRoles:
        excluded = set(query.exclude_role_ids)
        roles: dict[str, OpenRole] = {}
        async for execution in self.client.list_workflows(open_roles_query(query.criteria)):
            role_id = role_id_of(execution)
            if role_id in excluded or role_id in roles:
                continue
            memo: Mapping[str, Any] = await execution.memo()
            title = memo.get(MEMO_TITLE)
            roles[role_id] = OpenRole(
                role_id=role_id,
                title=title if isinstance(title, str) and title else role_id,
                criteria=criteria_from_memo(memo.get(MEMO_CRITERIA)),
            )
        _log.info("open roles found", count=len(roles), criteria_count=len(query.criteria))
        return OpenRoles(roles=list(roles.values()))
