from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from recruitment.briefs import CallBrief, call_brief
from recruitment.letters import (
    Letter,
    call_fallback_notice,
    call_reminder,
    call_task,
    delivery_failed_notice,
    fallback_letter,
    interview_kit,
    notes_reminder,
    reengagement_prompt,
    rejection_letter,
    scale_words,
)
from recruitment.models import InterviewBooking, ReengagementRequest, RoleMatch, RoleOpening
from tests.unit.factories import (
    HIRE_ID,
    HIRE_NAME,
    hire_notes,
    make_candidate,
    make_notes,
    make_role,
    runner_up_notes,
)

DUE = datetime(2025, 12, 16, 16, 0, tzinfo=UTC)  # Tue 16 Dec 17:00 in Stockholm
BOOKING = InterviewBooking(
    candidate_id="bo-ek",
    at=datetime(2025, 12, 10, 13, 0, tzinfo=UTC),  # Wed 10 Dec 14:00 in Stockholm
    interviewers=["per.holm@example.com"],
)
MATCHES = [
    RoleMatch(
        role_id="team-lead", title="Team lead", overlap=["Communication"], weighted_overlap=0.5
    ),
    RoleMatch(role_id="data-eng", title="Data engineer", overlap=["Python"], weighted_overlap=0.6),
]


def the_brief(role: RoleOpening) -> CallBrief:
    return call_brief(role, make_candidate(), runner_up_notes(), hire_notes(), MATCHES[1:])


def request(language: str) -> ReengagementRequest:
    role = make_role(language)
    return ReengagementRequest(
        role_id=role.role_id,
        role_title=role.title,
        recruiter=role.recruiter,
        candidate=make_candidate(),
        language=language,
        scores={"Python": 3, "System design": 2, "Communication": 4},
        strong_criteria=["Python", "Communication"],
        brief=the_brief(role).text,
        consent_given_at=datetime(2025, 12, 18, 10, 0, tzinfo=UTC),
    )


LETTERS: dict[str, Callable[[str], Letter]] = {
    "rejection_letter": lambda lang: rejection_letter(make_role(lang), make_candidate()),
    "call_task": lambda lang: call_task(
        make_role(lang), make_candidate(), the_brief(make_role(lang)), DUE
    ),
    "call_reminder": lambda lang: call_reminder(make_role(lang), make_candidate(), DUE, 1, 2),
    "fallback_letter": lambda lang: fallback_letter(
        make_role(lang), make_candidate(), the_brief(make_role(lang))
    ),
    "call_fallback_notice": lambda lang: call_fallback_notice(
        make_role(lang), make_candidate(), "3 unanswered attempts"
    ),
    "delivery_failed": lambda lang: delivery_failed_notice(
        make_role(lang),
        make_candidate(),
        "rejection_letter",
        "undeliverable: 550 5.1.1 no such user",
    ),
    "interview_kit": lambda lang: interview_kit(make_role(lang), make_candidate(), BOOKING),
    "notes_reminder": lambda lang: notes_reminder(make_role(lang), make_candidate(), BOOKING),
    "reengagement_prompt": lambda lang: reengagement_prompt(request(lang), MATCHES),
}


@pytest.mark.parametrize("kind", sorted(LETTERS))
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_letter_has_a_subject_and_a_body(kind: str, language: str):
    letter = LETTERS[kind](language)
    assert letter.subject.strip()
    assert len(letter.body.strip()) > 100
    assert "{" not in letter.body and "}" not in letter.body  # no unfilled placeholders


@pytest.mark.parametrize("kind", sorted(LETTERS))
def test_swedish_letters_are_swedish(kind: str):
    sv = LETTERS[kind]("sv")
    en = LETTERS[kind]("en")
    assert re.search("[åäöÅÄÖ]", sv.body)
    assert sv.body != en.body
    assert sv.subject != en.subject


@pytest.mark.parametrize("language", ["sv", "en"])
def test_letters_to_candidates_are_signed_by_the_recruiter(language: str):
    for kind in ("rejection_letter", "fallback_letter"):
        body = LETTERS[kind](language).body
        assert body.rstrip().endswith("Karin Lund")
        assert "Bo Ek" in body


def test_rejection_letter_in_english():
    letter = rejection_letter(make_role("en"), make_candidate())
    assert letter.subject == "Your application for Backend developer"
    assert letter.body.startswith("Hello Bo Ek,")
    assert "Thank you for applying for the Backend developer role" in letter.body
    assert "The role has now been filled" in letter.body
    assert "hear from you again" in letter.body


def test_rejection_letter_in_swedish():
    letter = rejection_letter(make_role("sv"), make_candidate())
    assert letter.subject == "Din ansökan till Backend developer"
    assert letter.body.startswith("Hej Bo Ek,")
    assert "Nu har vi tillsatt tjänsten" in letter.body
    assert "söker hos oss igen" in letter.body
    assert "Vänliga hälsningar\nKarin Lund" in letter.body


def test_rejection_letter_for_a_cancelled_role_does_not_say_filled():
    letter = rejection_letter(make_role("en"), make_candidate(), filled=False)
    assert "has now been filled" not in letter.body
    assert "decided not to fill the role" in letter.body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_call_task_carries_the_brief_the_due_time_and_the_log_command(language: str):
    role = make_role(language)
    b = the_brief(role)
    letter = call_task(role, make_candidate(), b, DUE)
    assert b.text in letter.body
    due = "tis 16 dec 17:00" if language == "sv" else "Tue 16 Dec 17:00"
    assert due in letter.subject and due in letter.body
    assert "070-123 45 67" in letter.body
    assert "recruit call log backend-dev bo-ek --reached" in letter.body
    assert "recruit call log backend-dev bo-ek --not-reached" in letter.body


def test_call_task_without_a_phone_number_says_so():
    role = make_role("en")
    candidate = make_candidate(phone=None)
    letter = call_task(role, candidate, the_brief(role), DUE)
    assert "No phone number on file. Email bo-ek@example.com" in letter.body


def test_call_reminder_counts_attempts():
    letter = call_reminder(make_role("en"), make_candidate(), DUE, 2, 3)
    assert letter.subject == "Reminder 3: call Bo Ek about Backend developer"
    assert "Call attempts logged so far: 2." in letter.body
    assert "recruit call brief backend-dev bo-ek" in letter.body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_fallback_letter_gives_the_feedback_but_never_the_hire(language: str):
    role = make_role(language)
    letter = fallback_letter(role, make_candidate(), the_brief(role))
    assert "Explains trade-offs clearly" in letter.body
    assert "Has not designed a service end to end" in letter.body
    assert HIRE_ID not in letter.body and HIRE_NAME not in letter.body
    assert "Anna" not in letter.body
    assert "WARNING" not in letter.body and "VARNING" not in letter.body


def test_fallback_letter_leaves_out_protected_ground_notes():
    role = make_role("en")
    notes = make_notes(
        "bo-ek",
        {"Python": 3, "System design": 2, "Communication": 4},
        strengths=["Good testing habits", "Young and energetic"],
        improvement=["Strong accent", "Has not designed a service end to end"],
    )
    b = call_brief(role, make_candidate(), notes, hire_notes(), [])
    body = fallback_letter(role, make_candidate(), b).body
    assert "Good testing habits" in body
    assert "Young" not in body and "accent" not in body


def test_fallback_letter_mentions_other_roles_and_asks_for_consent():
    role = make_role("en")
    body = fallback_letter(role, make_candidate(), the_brief(role)).body
    assert "Data engineer" in body
    assert "contact you about other roles in the coming year" in body


def test_call_fallback_notice_tells_the_recruiter_what_happened():
    letter = call_fallback_notice(make_role("en"), make_candidate(), "3 unanswered attempts")
    assert letter.subject == "No call with Bo Ek: a personal letter was sent instead"
    assert "did not happen: 3 unanswered attempts." in letter.body
    assert "bo-ek@example.com" in letter.body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_interview_kit_has_criteria_scale_and_template(language: str):
    letter = interview_kit(make_role(language), make_candidate(), BOOKING)
    body = letter.body
    weight = "vikt" if language == "sv" else "weight"
    assert f"- Python ({weight} 5): Writes clear, tested Python" in body
    assert f"- System design ({weight} 3): Designs services that scale" in body
    for score in range(1, 5):
        assert f"  {score} = {scale_words(score, language)}" in body
    assert "  Python (1–4):\n  System design (1–4):\n  Communication (1–4):" in body
    if language == "sv":
        assert "ons 10 dec 14:00" in letter.subject
        assert "  Styrkor:\n  Utvecklingspotential:" in body
        assert "utan neutralt mittenalternativ" in body
    else:
        assert "Wed 10 Dec 14:00" in letter.subject
        assert "  Strengths:\n  Improvement potential:" in body
        assert "no neutral middle" in body
    assert '--score "System design=N"' in body
    assert "recruit interview record backend-dev bo-ek" in body


def test_scale_words():
    assert [scale_words(n, "en") for n in range(1, 5)] == [
        "does not meet",
        "partly meets",
        "meets",
        "exceeds",
    ]
    assert scale_words(4, "sv") == "överträffar"
    with pytest.raises(ValueError):
        scale_words(5, "en")


def test_notes_reminder():
    letter = notes_reminder(make_role("en"), make_candidate(), BOOKING)
    assert letter.subject == "Notes missing: interview with Bo Ek, Backend developer"
    assert "was on Wed 10 Dec 14:00, and no notes have been recorded yet" in letter.body
    assert "Python, System design and Communication" in letter.body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_reengagement_prompt_lists_each_match_and_the_brief(language: str):
    req = request(language)
    letter = reengagement_prompt(req, MATCHES)
    assert "Bo Ek" in letter.subject
    assert "Backend developer (backend-dev)" in letter.body
    if language == "sv":
        assert (
            "- Team lead (team-lead): Communication – 50 % av rollens kriterievikt" in letter.body
        )
        assert "Data engineer (data-eng): Python – 60 %" in letter.body
    else:
        assert "- Team lead (team-lead): Communication – 50% of the role's criteria weight" in (
            letter.body
        )
        assert "Data engineer (data-eng): Python – 60%" in letter.body
    assert req.brief in letter.body


def test_reengagement_prompt_says_how_long_consent_lasts():
    req = request("en").model_copy(update={"consent_valid_for": timedelta(days=365)})
    body = reengagement_prompt(req, MATCHES).body
    assert "agreed on 18 Dec 2025 to be contacted about other roles" in body
    assert "Consent is valid until 18 Dec 2026." in body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_delivery_failed_notice_says_who_has_no_answer_and_how_to_reach_them(language: str):
    letter = delivery_failed_notice(
        make_role(language),
        make_candidate(),
        "rejection_letter",
        "undeliverable: 550 5.1.1 no such user",
    )
    assert "Bo Ek" in letter.subject
    assert "bo-ek@example.com" in letter.body
    assert "550 5.1.1 no such user." in letter.body
    assert "undeliverable:" not in letter.body
    assert "070-123 45 67" in letter.body
    assert "recruit role status backend-dev" in letter.body
    if language == "sv":
        assert letter.body.startswith("Hej Karin Lund,\n\nAvslagsbrevet till Bo Ek")
    else:
        assert "The rejection letter to Bo Ek" in letter.body


def test_delivery_failed_notice_without_a_phone_number():
    letter = delivery_failed_notice(
        make_role("en"), make_candidate(phone=None), "fallback_letter", "550 mailbox unavailable"
    )
    assert "The personal feedback letter to Bo Ek" in letter.body
    assert "No phone number on file." in letter.body
