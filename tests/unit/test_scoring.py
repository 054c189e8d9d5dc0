from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from recruitment.models import Criterion, HiringDecision, InterviewNotes, RoleOpening
from recruitment.scoring import (
    VAGUE_PHRASES,
    decision_problems,
    format_ranking,
    is_vague,
    merits_summary,
    notes_problems,
    rank,
    weighted_score,
)
from tests.unit.factories import HIRE_ID, hire_notes, make_notes, make_role, runner_up_notes

GOOD_RATIONALE = "Highest scores on Python and system design, with concrete production examples"


# --- weighted score and ranking -------------------------------------------------------------


def test_weighted_score_weighs_each_criterion():
    role = make_role()
    # (5*4 + 3*3 + 2*3) / (5+3+2) = 35 / 10
    assert (
        weighted_score(role.criteria, {"Python": 4, "System design": 3, "Communication": 3}) == 3.5
    )


def test_weighted_score_is_rounded_to_two_decimals():
    criteria = [Criterion(name=name, weight=1) for name in ("A", "B", "C")]
    assert weighted_score(criteria, {"A": 4, "B": 3, "C": 3}) == 3.33


def test_weighted_score_ignores_names_that_are_not_criteria():
    criteria = [Criterion(name="Python", weight=2)]
    assert weighted_score(criteria, {"Python": 2, "Cobol": 4}) == 2.0


def test_ranking_puts_the_highest_weighted_score_first():
    role = make_role()
    ranking = rank(role, [runner_up_notes(), hire_notes()])
    assert [(e.rank, e.candidate_id, e.weighted_score) for e in ranking] == [
        (1, HIRE_ID, 3.8),
        (2, "bo-ek", 2.9),
    ]


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    role = make_role()
    same = {"Python": 3, "System design": 3, "Communication": 3}
    ranking = rank(
        role,
        [
            make_notes("cecilia-berg", same),
            make_notes("bo-ek", same),
            make_notes("dan-ali", {"Python": 2, "System design": 2, "Communication": 2}),
            make_notes("eva-lind", {"Python": 4, "System design": 4, "Communication": 4}),
        ],
    )
    assert [(e.rank, e.candidate_id) for e in ranking] == [
        (1, "eva-lind"),
        (2, "bo-ek"),
        (2, "cecilia-berg"),
        (4, "dan-ali"),
    ]


def test_format_ranking_reads_as_one_line():
    role = make_role()
    line = format_ranking(rank(role, [hire_notes(), runner_up_notes()]))
    assert line == "ranking: 1. anna-svensson 3.80, 2. bo-ek 2.90"


def test_format_ranking_when_nobody_has_notes():
    assert format_ranking([]) == "ranking: nobody has interview notes yet"


# --- notes against the role ------------------------------------------------------------------


def test_notes_that_fit_the_role_have_no_problems():
    assert notes_problems(make_role(), hire_notes()) == []


def test_unknown_criterion_is_named_with_the_roles_criteria():
    notes = make_notes("bo-ek", {"Python": 3, "System design": 2, "Communication": 4, "Java": 3})
    (problem,) = notes_problems(make_role(), notes)
    assert "unknown criterion 'Java'" in problem
    assert "Python, System design, Communication" in problem


def test_missing_criterion_is_named():
    notes = make_notes("bo-ek", {"Python": 3, "Communication": 4})
    assert notes_problems(make_role(), notes) == [
        "missing criterion 'System design': every criterion needs a score from 1 to 4"
    ]


# --- the decision rule -----------------------------------------------------------------------


def both_interviewed() -> dict[str, InterviewNotes | None]:
    return {HIRE_ID: hire_notes(), "bo-ek": runner_up_notes()}


def test_top_candidate_with_a_real_rationale_is_accepted():
    decision = HiringDecision(candidate_id=HIRE_ID, rationale=GOOD_RATIONALE)
    assert decision_problems(make_role(), decision, both_interviewed()) == []


def test_candidate_who_was_never_interviewed_cannot_be_hired():
    decision = HiringDecision(candidate_id="cecilia-berg", rationale=GOOD_RATIONALE)
    problems = decision_problems(make_role(), decision, both_interviewed())
    assert problems[0] == "cecilia-berg has not been interviewed: only an interviewee can be hired"
    assert problems[-1] == "ranking: 1. anna-svensson 3.80, 2. bo-ek 2.90"


def test_chosen_candidate_without_notes_is_refused():
    interviewees = both_interviewed() | {"cecilia-berg": None}
    decision = HiringDecision(candidate_id="cecilia-berg", rationale=GOOD_RATIONALE)
    problems = decision_problems(make_role(), decision, interviewees)
    assert problems[0].startswith("cecilia-berg has no interview notes yet")
    assert "recruit interview record backend-dev cecilia-berg" in problems[0]


def test_every_interviewee_needs_notes_before_a_decision():
    interviewees = both_interviewed() | {"dan-ali": None, "cecilia-berg": None}
    decision = HiringDecision(candidate_id=HIRE_ID, rationale=GOOD_RATIONALE)
    problems = decision_problems(make_role(), decision, interviewees)
    assert problems[0].startswith("interview notes missing for cecilia-berg, dan-ali")
    assert problems[-1].startswith("ranking: ")


def test_short_rationale_is_refused_and_quoted():
    decision = HiringDecision(candidate_id=HIRE_ID, rationale="Best coder")
    problems = decision_problems(make_role(), decision, both_interviewed())
    assert problems[0] == (
        'rationale is too short (10 characters, at least 20): "Best coder"; '
        "say which criteria decided it"
    )


@pytest.mark.parametrize(
    ("rationale", "phrase"),
    [
        ("The others were simply not a good fit for the team", "not a good fit"),
        ("Cultural fit, and overall the best candidate", "cultural fit"),
        ("De andra passade inte in i teamet helt enkelt", "passade inte in"),
        ("Magkänsla och kulturell passform, helt enkelt", "magkänsla"),
    ],
)
def test_vague_rationale_is_refused_and_the_phrase_quoted(rationale: str, phrase: str):
    decision = HiringDecision(candidate_id=HIRE_ID, rationale=rationale)
    problems = decision_problems(make_role(), decision, both_interviewed())
    assert problems[0].startswith("rationale is vague: ")
    assert f'"{phrase}"' in problems[0]
    assert problems[-1] == "ranking: 1. anna-svensson 3.80, 2. bo-ek 2.90"


def test_rationale_of_filler_words_only_is_refused():
    decision = HiringDecision(candidate_id=HIRE_ID, rationale="They were just the best, overall")
    (problem, ranking) = decision_problems(make_role(), decision, both_interviewed())
    assert problem.startswith("rationale says nothing concrete")
    assert ranking.startswith("ranking: ")


def test_lower_ranked_candidate_without_override_is_refused():
    decision = HiringDecision(candidate_id="bo-ek", rationale="Strongest communicator of the two")
    problems = decision_problems(make_role(), decision, both_interviewed())
    assert problems == [
        "bo-ek is ranked 2 (2.90), below anna-svensson (3.80): hiring them needs an "
        "override_reason of at least 20 characters that explains why",
        "ranking: 1. anna-svensson 3.80, 2. bo-ek 2.90",
    ]


def test_short_override_is_refused():
    decision = HiringDecision(
        candidate_id="bo-ek",
        rationale="Strongest communicator of the two",
        override_reason="Team needs",
    )
    problems = decision_problems(make_role(), decision, both_interviewed())
    assert "override_reason is too short (10 characters, at least 20)" in problems[0]


def test_vague_override_is_refused():
    decision = HiringDecision(
        candidate_id="bo-ek",
        rationale="Strongest communicator of the two",
        override_reason="Simply a better fit for the team overall",
    )
    problems = decision_problems(make_role(), decision, both_interviewed())
    assert "override_reason is vague" in problems[0]
    assert '"better fit"' in problems[0]


def test_override_with_a_real_reason_is_accepted():
    decision = HiringDecision(
        candidate_id="bo-ek",
        rationale="Strongest communicator of the two",
        override_reason="The role is mostly customer workshops, so Communication outweighs "
        "design here; the other finalist declined the travel the role needs",
    )
    assert decision_problems(make_role(), decision, both_interviewed()) == []


def test_any_candidate_sharing_the_top_rank_may_be_chosen():
    role = make_role()
    same = {"Python": 3, "System design": 3, "Communication": 3}
    interviewees: dict[str, InterviewNotes | None] = {
        "bo-ek": make_notes("bo-ek", same),
        "cecilia-berg": make_notes("cecilia-berg", same),
    }
    decision = HiringDecision(candidate_id="cecilia-berg", rationale=GOOD_RATIONALE)
    assert decision_problems(role, decision, interviewees) == []


def test_problems_without_any_notes_have_no_ranking_line():
    decision = HiringDecision(candidate_id="bo-ek", rationale=GOOD_RATIONALE)
    problems = decision_problems(make_role(), decision, {"bo-ek": None})
    assert len(problems) == 1
    assert not problems[-1].startswith("ranking:")


# --- vague phrases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Not a good fit.",
        "He was not a good fit for the team and company",
        "Just a gut feeling overall, they were not the right fit",
        "Cultural fit, simply. Culture fit!",
        "They didn't fit in",
        "Inte rätt profil helt enkelt",
        "Hen passade inte in i teamet",
        "Inte en bra match för oss, helt enkelt",
        "Magkänsla och kulturell passform",
        "Hen var inte rätt person",
        "Best in Python",  # a real reason, but under 20 characters
    ],
)
def test_vague_texts(text: str):
    assert is_vague(text)


@pytest.mark.parametrize(
    "text",
    [
        "Strongest in Python and system design; cultural fit also good",
        "Best scores on Python (4 of 4) and led a migration of 40 services",
        "Starkast i Python och systemdesign, tydligast kommunikation",
        "Hade mest erfarenhet av Kubernetes och drift; passade bra in i teamet",
        "Only finalist who has run on-call for a payments system",
    ],
)
def test_texts_with_real_reasons_are_not_vague(text: str):
    assert not is_vague(text)


def test_vague_phrases_cover_swedish_and_english():
    for phrase in (
        "not a good fit",
        "cultural fit",
        "gut feeling",
        "inte rätt profil",
        "passade inte in",
        "kulturell passform",
        "magkänsla",
    ):
        assert phrase in VAGUE_PHRASES


# --- merits summary --------------------------------------------------------------------------


def test_merits_summary_in_english_is_neutral_and_cites_the_act():
    text = merits_summary(make_role("en"), hire_notes())
    assert "the person hired" in text.lower()
    assert HIRE_ID not in text
    assert "- Python (weight 5): 4 of 4, exceeds." in text
    assert "- Communication (weight 2): 3 of 4, meets." in text
    assert "Strengths noted: Deep Python knowledge" in text
    assert "Discrimination Act (2008:567) ch. 2 § 4" in text


def test_merits_summary_in_swedish():
    text = merits_summary(make_role("sv"), hire_notes())
    assert "den anställda personen" in text.lower()
    assert "- Python (vikt 5): 4 av 4, överträffar." in text
    assert "Viktat resultat: 3,80 av 4." in text
    assert "diskrimineringslagen (2008:567) 2 kap. 4 §" in text


def test_merits_summary_leaves_out_strengths_on_protected_grounds():
    notes = make_notes(
        HIRE_ID,
        {"Python": 4, "System design": 4, "Communication": 3},
        strengths=["Deep Python knowledge", "Young and energetic"],
    )
    text = merits_summary(make_role("en"), notes)
    assert "Young" not in text
    assert "Deep Python knowledge" in text


# --- properties ------------------------------------------------------------------------------

CRITERION_NAMES = ["Python", "System design", "Communication", "SQL", "Leadership", "Testing"]


@st.composite
def roles(draw: st.DrawFn) -> RoleOpening:
    names = draw(st.lists(st.sampled_from(CRITERION_NAMES), min_size=1, max_size=5, unique=True))
    weights = draw(st.lists(st.integers(1, 5), min_size=len(names), max_size=len(names)))
    return make_role(
        criteria=[Criterion(name=n, weight=w) for n, w in zip(names, weights, strict=True)]
    )


@st.composite
def role_with_notes(draw: st.DrawFn) -> tuple[RoleOpening, list[InterviewNotes]]:
    role = draw(roles())
    ids = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9]{2,8}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    notes = [
        make_notes(cid, {c.name: draw(st.integers(1, 4)) for c in role.criteria}) for cid in ids
    ]
    return role, notes


@given(role_with_notes())
def test_weighted_score_stays_on_the_scale(case: tuple[RoleOpening, list[InterviewNotes]]):
    role, notes = case
    for n in notes:
        assert 1.0 <= weighted_score(role.criteria, n.scores) <= 4.0


@given(role_with_notes())
def test_ranking_is_sorted_and_a_permutation(case: tuple[RoleOpening, list[InterviewNotes]]):
    role, notes = case
    ranking = rank(role, notes)
    assert sorted(e.candidate_id for e in ranking) == sorted(n.candidate_id for n in notes)
    keys = [(-e.weighted_score, e.candidate_id) for e in ranking]
    assert keys == sorted(keys)
    assert ranking[0].rank == 1
    for before, after in pairwise(ranking):
        assert after.rank >= before.rank


@given(role_with_notes())
def test_top_ranked_with_a_real_rationale_is_always_accepted(
    case: tuple[RoleOpening, list[InterviewNotes]],
):
    role, notes = case
    top = rank(role, notes)[0]
    interviewees: dict[str, InterviewNotes | None] = {n.candidate_id: n for n in notes}
    decision = HiringDecision(candidate_id=top.candidate_id, rationale=GOOD_RATIONALE)
    assert decision_problems(role, decision, interviewees) == []


@given(role_with_notes(), st.data())
def test_lower_ranked_without_override_is_always_refused(
    case: tuple[RoleOpening, list[InterviewNotes]], data: st.DataObject
):
    role, notes = case
    lower = [e for e in rank(role, notes) if e.rank > 1]
    assume(lower)
    chosen = data.draw(st.sampled_from(lower))
    interviewees: dict[str, InterviewNotes | None] = {n.candidate_id: n for n in notes}
    decision = HiringDecision(candidate_id=chosen.candidate_id, rationale=GOOD_RATIONALE)
    problems = decision_problems(role, decision, interviewees)
    assert any("override_reason" in p for p in problems)
    assert problems[-1] == format_ranking(rank(role, notes))
