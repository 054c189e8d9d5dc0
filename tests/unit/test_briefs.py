from __future__ import annotations

import pytest

from recruitment.briefs import PROTECTED_GROUNDS, CallBrief, call_brief, protected_ground_hits
from recruitment.models import InterviewNotes, RoleMatch
from tests.unit.factories import (
    HIRE_ID,
    HIRE_NAME,
    hire_notes,
    make_candidate,
    make_notes,
    make_role,
    runner_up_notes,
)

DATA_ENG = RoleMatch(
    role_id="data-eng", title="Data engineer", overlap=["Python"], weighted_overlap=0.6
)


def brief(
    language: str = "en",
    notes: InterviewNotes | None = None,
    other_roles: list[RoleMatch] | None = None,
    no_hire: bool = False,
) -> CallBrief:
    return call_brief(
        make_role(language),
        make_candidate(),
        notes or runner_up_notes(),
        None if no_hire else hire_notes(),
        [DATA_ENG] if other_roles is None else other_roles,
    )


def test_english_brief_has_everything_for_the_call():
    b = brief("en")
    text = b.text
    assert text.startswith("CALL BRIEF – Bo Ek, Backend developer (backend-dev)")
    assert "Weighted score: 2.90 of 4." in text
    assert "- Python (weight 5): 3, meets" in text
    assert "- System design (weight 3): 2, partly meets" in text
    assert (
        "Acknowledge these strengths:\n- Explains trade-offs clearly\n- Good testing habits" in text
    )
    assert "Improvement potential to highlight:\n- Has not designed a service end to end" in text
    assert "Where the person hired scored higher:\n- Python\n- System design\n" in text
    assert "Suggested advice:" in text
    assert "- Data engineer (data-eng): Python – 60% of the role's criteria weight" in text
    assert '"May we contact you about other roles in the coming year?"' in text
    assert "WARNING" not in text


def test_swedish_brief_reads_in_swedish():
    text = brief("sv").text
    assert text.startswith("SAMTALSUNDERLAG – Bo Ek, Backend developer (backend-dev)")
    assert "Viktat resultat: 2,90 av 4." in text
    assert "- System design (vikt 3): 2, uppfyller delvis" in text
    assert "Styrkor att bekräfta:" in text
    assert "Utvecklingspotential att lyfta fram:" in text
    assert "Där den anställda personen fick högre poäng:\n- Python\n- System design" in text
    assert "Förslag på råd:" in text
    assert "60 % av rollens kriterievikt" in text
    assert "”Får vi kontakta dig om andra roller under det kommande året?”" in text


def test_brief_fields_match_the_notes():
    b = brief("en")
    assert b.candidate_id == "bo-ek"
    assert b.candidate_name == "Bo Ek"
    assert b.weighted_score == 2.9
    assert b.scores == {"Python": 3, "System design": 2, "Communication": 4}
    assert b.strengths == ["Explains trade-offs clearly", "Good testing habits"]  # at most two
    assert b.improvement_potential == ["Has not designed a service end to end"]
    assert b.hire_scored_higher == ["Python", "System design"]
    assert b.other_roles == [DATA_ENG]
    assert b.protected_ground_warning == []


def test_advice_comes_from_improvement_potential_and_lower_scores():
    advice = brief("en").advice
    assert any("Has not designed a service end to end" in a for a in advice)
    assert any(a.startswith("System design:") for a in advice)
    assert any(a.startswith("Python: already at a solid level") for a in advice)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_brief_never_names_the_hire(language: str):
    notes = make_notes(
        "bo-ek",
        {"Python": 3, "System design": 2, "Communication": 4},
        strengths=[f"Almost as quick as {HIRE_ID} on the Python exercise"],
        improvement=["System design depth"],
    )
    b = brief(language, notes=notes)
    dumped = b.model_dump_json()
    assert HIRE_ID not in dumped
    assert HIRE_NAME not in dumped
    assert "Anna" not in dumped


def test_ask_consent_unless_nothing_strong_and_no_other_role():
    weak = make_notes("bo-ek", {"Python": 2, "System design": 1, "Communication": 2})
    assert brief("en", notes=weak, other_roles=[]).ask_consent is False
    assert "No need to ask about other roles" in brief("en", notes=weak, other_roles=[]).text
    assert brief("en", notes=weak, other_roles=[DATA_ENG]).ask_consent is True
    assert brief("en", other_roles=[]).ask_consent is True  # Communication scored 4


def test_brief_without_a_hire_makes_no_comparison():
    b = brief("en", no_hire=True)
    assert b.hire_scored_higher == []
    assert "No comparison: there is no hire to compare with." in b.text


def test_warning_when_notes_touch_a_protected_ground():
    notes = make_notes(
        "bo-ek",
        {"Python": 3, "System design": 2, "Communication": 4},
        strengths=["Good testing habits", "Energetic, young team player"],
        improvement=["Has not designed a service end to end"],
        summary="Mentioned she is pregnant",
    )
    b = brief("en", notes=notes)
    assert b.protected_ground_warning == ["age", "sex"]
    assert "WARNING: the notes touch on age and sex. Do not bring this up on the call." in b.text
    assert "The decision must rest on the criteria" in b.text
    assert "young" not in b.model_dump_json(exclude={"text"})
    assert b.strengths == ["Good testing habits"]

    sv = brief("sv", notes=notes).text
    assert "VARNING: anteckningarna berör ålder och kön." in sv


# --- protected-ground lexicon ----------------------------------------------------------------


def test_lexicon_covers_the_seven_grounds():
    assert set(PROTECTED_GROUNDS) == {
        "sex",
        "gender identity or expression",
        "ethnicity",
        "religion or belief",
        "disability",
        "sexual orientation",
        "age",
    }


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("Aged 55, might not keep up", "age"),
        ("Probably too old for a startup", "age"),
        ("Young and hungry", "age"),
        ("Hen är 58 år gammal", "age"),
        ("Känns som fel ålder för teamet", "age"),
        ("She is pregnant", "sex"),
        ("Hon är gravid", "sex"),
        ("Planerar föräldraledighet i vår", "sex"),
        ("Would be the only woman on the team", "sex"),
        ("Non-binary, uses they/them pronouns", "gender identity or expression"),
        ("Asked about religion", "religion or belief"),
        ("He is Muslim", "religion or belief"),
        ("Wore a hijab", "religion or belief"),
        ("Bär slöja", "religion or belief"),
        ("Uses a wheelchair", "disability"),
        ("Sitter i rullstol", "disability"),
        ("Mentioned ADHD", "disability"),
        ("Openly gay", "sexual orientation"),
        ("Hens sexuella läggning", "sexual orientation"),
        ("Strong accent", "ethnicity"),
        ("Bryter på arabiska", "ethnicity"),
        ("Utländsk bakgrund", "ethnicity"),
    ],
)
def test_lexicon_finds_protected_grounds(text: str, ground: str):
    assert ground in protected_ground_hits([text])


@pytest.mark.parametrize(
    "text",
    [
        "Manages the page usage dashboards",
        "Django and Flask; Python 3 years",
        "Engaged stakeholders through every stage",
        "Message queues, storage, image pipelines",
        "Knows older versions of Java well",
        "Fixed a race condition in the scheduler",
        "Has a blind spot around testing",
        "Man kan se att hen är noggrann, men ibland långsam",
        "10 års erfarenhet av Java, sex år som tech lead",
        "Transparent communication with the team",
        "Disabled the flaky tests and fixed them",
        "Leverages language skills in Swedish and English",
        "Strong in SQL; managed a team of five",
    ],
)
def test_lexicon_ignores_ordinary_work_notes(text: str):
    assert protected_ground_hits([text]) == []


def test_hits_are_sorted_and_unique():
    texts = ["Too old", "Young", "Wears a hijab", "aged 60"]
    assert protected_ground_hits(texts) == ["age", "religion or belief"]
