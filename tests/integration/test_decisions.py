"""The decision, the merits summary and bulk import through `recruit`, against a real dev server.

Issue 3: what the recruiter reads when a decision is refused, what an applicant who asks for the
hire's merits is sent, and how a CSV with bad rows is reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import CliResult, RecruitCli
from tests.integration.test_cli import (
    INTERVIEW_AT,
    as_json,
    eventually,
    ok,
    open_role,
    status_of,
)

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

APPLICANTS_CSV = (
    "id,name,email,phone\n"
    "anna-berg,Anna Berg,anna@example.com,+46701111111\n"
    "bo-ek,Bo Ek,bo@example.com,\n"
)
# Weights Python 3, System design 2, Communication 1 (test_cli.ROLE_YAML).
NOTES = {
    "anna-berg": (
        {"Python": 4, "System design": 3, "Communication": 3},
        "designed a queue-based import with retries on the whiteboard",
        "could say more about observability in production",
    ),
    "bo-ek": (
        {"Python": 3, "System design": 2, "Communication": 4},
        "explains trade-offs very clearly",
        "deepen distributed-systems design: queues, retries, idempotency",
    ),
}
RANKING = "ranking: 1. anna-berg 3.50, 2. bo-ek 2.83"
RATIONALE = "Explains trade-offs best and will lift how the team talks to customers."
OVERRIDE = "Bo can start in March; Anna cannot start before next year."


def refused(result: CliResult) -> list[str]:
    """The error lines of a request the workflow refused: exit 1, no traceback."""
    assert result.returncode == 1, str(result)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr.splitlines()


async def interviewed(recruit: RecruitCli, tmp_path: Path) -> str:
    """A role with Anna and Bo imported, interviewed and their notes recorded."""
    role_id = await open_role(recruit, tmp_path)
    applicants = tmp_path / "applicants.csv"
    applicants.write_text(APPLICANTS_CSV)
    ok(await recruit("candidate", "import", role_id, str(applicants)))
    for candidate_id, (scores, strength, improve) in NOTES.items():
        ok(
            await recruit(
                "interview", "schedule", role_id, candidate_id,
                "--at", INTERVIEW_AT, "--interviewer", "ida@example.com",
            )
        )  # fmt: skip
        ok(
            await recruit(
                "interview", "record", role_id, candidate_id,
                "--interviewer", "ida@example.com",
                *[arg for name, n in scores.items() for arg in ("--score", f"{name}={n}")],
                "--strength", strength, "--improve", improve, "--summary", "Good interview.",
            )
        )  # fmt: skip
    return role_id


async def test_deciding_for_the_runner_up_without_an_override_prints_the_ranking(
    recruit: RecruitCli, tmp_path: Path
) -> None:
    role_id = await interviewed(recruit, tmp_path)

    lines = refused(await recruit("decide", role_id, "bo-ek", "--rationale", RATIONALE))

    assert lines[0] == (
        "error: bo-ek is ranked 2 (2.83), below anna-berg (3.50): hiring them needs an "
        "override_reason of at least 20 characters that explains why"
    )
    assert lines[1:] == [f"  {RANKING}"]
    status = await status_of(recruit, role_id)
    assert (status["stage"], status["offered_to"]) == ("interviewing", None)

    # A short override is refused too, and still shows where everyone stands.
    short = refused(
        await recruit(
            "decide", role_id, "bo-ek", "--rationale", RATIONALE, "--override-reason", "starts soon"
        )
    )  # fmt: skip
    assert "override_reason is too short" in short[0]
    assert short[-1] == f"  {RANKING}"

    decided = ok(
        await recruit(
            "decide", role_id, "bo-ek", "--rationale", RATIONALE, "--override-reason", OVERRIDE
        )
    )  # fmt: skip
    assert "the offer for role" in decided.stdout and "Bo Ek (bo-ek)" in decided.stdout
    assert "bo-ek (chosen)" in decided.stdout and "anna-berg" in decided.stdout
    status = await status_of(recruit, role_id)
    assert (status["stage"], status["offered_to"]) == ("offer_out", "bo-ek")


async def test_role_merits_describes_the_hire_by_criterion_without_naming_them(
    recruit: RecruitCli, tmp_path: Path
) -> None:
    role_id = await interviewed(recruit, tmp_path)
    too_early = refused(await recruit("role", "merits", role_id))
    assert too_early == [
        f"error: nobody has been hired for role {role_id} yet, so there are no merits to describe"
    ]
    ok(
        await recruit(
            "decide", role_id, "anna-berg",
            "--rationale", "Top score on Python and system design; designed a sound import queue.",
        )
    )  # fmt: skip
    ok(await recruit("offer", "accepted", role_id, "anna-berg"))

    async def hired() -> bool:
        return bool((await status_of(recruit, role_id))["hired"] == "anna-berg")

    await eventually(hired, "anna-berg to be hired")

    merits = ok(await recruit("role", "merits", role_id)).stdout
    lines = merits.splitlines()
    assert lines[0] == f"Merits of the person hired: Backend developer ({role_id})"
    assert "- Python (weight 3): 4 of 4, exceeds." in lines
    assert "- System design (weight 2): 3 of 4, meets." in lines
    assert "- Communication (weight 1): 3 of 4, meets." in lines
    assert "  Criterion: Writes clear, tested Python." in lines
    assert "- designed a queue-based import with retries on the whiteboard" in lines
    assert "Weighted score: 3.50 of 4." in lines
    assert "Discrimination Act (2008:567) ch. 2 § 4" in merits
    assert "Anna" not in merits and "anna-berg" not in merits
    # Nor does it give away anything from the other interviewee's notes.
    assert "explains trade-offs very clearly" not in merits

    as_data: dict[str, Any] = as_json(await recruit("role", "merits", role_id, "--json"))
    assert as_data["hired"] == "anna-berg"
    assert as_data["merits"] == merits.rstrip("\n")


async def test_a_csv_import_reports_every_bad_row_by_line_and_adds_nobody(
    recruit: RecruitCli, tmp_path: Path
) -> None:
    role_id = await open_role(recruit, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,name,email,phone\n"
        "anna-berg,Anna Berg,anna@example.com,\n"  # 2: fine
        "Bo Ek,Bo Ek,bo@example.com,\n"  # 3: not an id
        "cia-lind,,cia@example.com,\n"  # 4: no name
        "dan-ek,Dan Ek,dan-at-example.com,\n"  # 5: not an email
        "anna-berg,Anna B,anna.b@example.com,\n"  # 6: id used on line 2
        "eva-ek,Eva Ek,ANNA@example.com,\n"  # 7: email used on line 2
        "fia-ek,Fia Ek,fia@example.com,\n"  # 8: fine
    )

    result = await recruit("candidate", "import", role_id, str(bad))

    assert result.returncode == 2, str(result)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{bad}:{n}" for n in (3, 4, 5, 6, 7)], (
        lines
    )
    assert lines[0].startswith(f"{bad}:3: id: 'Bo Ek' is not an id")
    assert lines[1] == f"{bad}:4: name: must not be empty"
    assert lines[2].startswith(f"{bad}:5: email: not an email address")
    assert lines[3] == f"{bad}:6: id: 'anna-berg' is already used on line 2"
    assert lines[4] == f"{bad}:7: email: already used on line 2"
    status = await status_of(recruit, role_id)
    assert status["candidates"] == []

    good = tmp_path / "good.csv"
    good.write_text(
        "id,name,email,phone\n"
        "anna-berg,Anna Berg,anna@example.com,+46701111111\n"
        'bo-ek,"Ek, Bo",bo@example.com,\n'
        "cia-lind,Cia Lind,cia@example.com,\n"
    )
    imported = ok(await recruit("candidate", "import", role_id, str(good)))
    assert imported.stdout.splitlines()[0] == (
        f"Imported 3 candidate(s) into role {role_id}; 3 applicant(s) in total."
    )
    status = await status_of(recruit, role_id)
    assert [
        (r["candidate"]["candidate_id"], r["candidate"]["name"], r["candidate"]["phone"])
        for r in status["candidates"]
    ] == [
        ("anna-berg", "Anna Berg", "+46701111111"),
        ("bo-ek", "Ek, Bo", None),
        ("cia-lind", "Cia Lind", None),
    ]

    # All or nothing holds in the role too: one clash with an applicant already in, none added.
    clash = tmp_path / "clash.csv"
    clash.write_text("id,name,email\ndan-ek,Dan Ek,dan@example.com\nbo-b,Bo B,BO@example.com\n")
    lines = refused(await recruit("candidate", "import", role_id, str(clash)))
    assert lines[0].startswith("error: no candidates were added")
    assert "bo-b has the same email as bo-ek" in lines[0]
    assert len((await status_of(recruit, role_id))["candidates"]) == 3
