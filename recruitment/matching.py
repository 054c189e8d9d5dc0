"""Which other open roles a candidate's strong criteria fit."""

from __future__ import annotations

from recruitment.models import OpenRole, RoleMatch


def strong_criteria(scores: dict[str, int], threshold: int = 3) -> list[str]:
    """The criteria scored at or above `threshold`, in the order they were scored."""
    return [name for name, score in scores.items() if score >= threshold]


def match_roles(
    strong: list[str], roles: list[OpenRole], exclude_role_ids: list[str] | None = None
) -> list[RoleMatch]:
    """Roles whose criteria overlap `strong` (case-insensitive), best overlap first.

    `weighted_overlap` is the share of the role's total criterion weight that the overlapping
    criteria carry, rounded to two decimals.
    """
    wanted = {name.strip().casefold() for name in strong}
    excluded = set(exclude_role_ids or [])
    matches: list[RoleMatch] = []
    for role in roles:
        if role.role_id in excluded or not role.criteria:
            continue
        overlap = [c for c in role.criteria if c.name.strip().casefold() in wanted]
        if not overlap:
            continue
        total = sum(c.weight for c in role.criteria)
        matches.append(
            RoleMatch(
                role_id=role.role_id,
                title=role.title,
                overlap=[c.name for c in overlap],
                weighted_overlap=round(sum(c.weight for c in overlap) / total, 2),
            )
        )
    matches.sort(key=lambda m: (-m.weighted_overlap, m.role_id))
    return matches
