"""The call brief: what the recruiter needs in front of them for a rejection call.

One brief per interviewed candidate who was not hired. It is built from that candidate's notes and,
for comparison, the hire's scores, but it never names the hire. Notes that touch a protected
ground are left out of what the recruiter is prompted to say, and a warning says so.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from recruitment.grounds import (
    GROUND_NAMES_SV,
    PROTECTED_GROUNDS,
    ground_name,
    protected_ground_hits,
    touches_protected_ground,
)
from recruitment.models import Candidate, InterviewNotes, Language, RoleMatch, RoleOpening
from recruitment.scale import scale_legend, scale_words
from recruitment.scoring import weighted_score

__all__ = [
    "GROUND_NAMES_SV",
    "PROTECTED_GROUNDS",
    "CallBrief",
    "call_brief",
    "protected_ground_hits",
    "touches_protected_ground",
]

MAX_STRENGTHS = 2
MAX_ADVICE = 5
STRONG_SCORE = 3


class CallBrief(BaseModel):
    """A prepared rejection call. `protected_ground_warning` lists the grounds the notes touch."""

    model_config = ConfigDict(extra="forbid")

    role_id: str
    role_title: str
    candidate_id: str
    candidate_name: str
    language: Language
    scores: dict[str, int]
    weighted_score: float
    strengths: list[str]
    improvement_potential: list[str]
    hire_scored_higher: list[str]
    advice: list[str]
    other_roles: list[RoleMatch]
    ask_consent: bool
    protected_ground_warning: list[str]
    text: str


def _join(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    conjunction = " och " if language == "sv" else " and "
    return ", ".join(items[:-1]) + conjunction + items[-1]


def _number(value: float, language: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if language == "sv" else text


def percent(share: float, language: str) -> str:
    """0.6 -> "60%" in English, "60 %" in Swedish."""
    value = round(share * 100)
    return f"{value} %" if language == "sv" else f"{value}%"


def _quote(text: str, language: str) -> str:
    return f"”{text}”" if language == "sv" else f'"{text}"'


def _advice(
    role: RoleOpening,
    scores: dict[str, int],
    improvement: list[str],
    hire_higher: list[str],
    language: str,
) -> list[str]:
    sv = language == "sv"
    advice: list[str] = []
    for item in improvement:
        if sv:
            advice.append(
                f"Om {_quote(item, language)}: välj ett konkret nästa steg och var redo att "
                "berätta vad du lärde dig av det i nästa intervju."
            )
        else:
            advice.append(
                f"On {_quote(item, language)}: pick one concrete next step and be ready to talk "
                "about what you learned from it in your next interview."
            )
    weak = sorted(
        (c for c in role.criteria if c.name in scores and scores[c.name] < STRONG_SCORE),
        key=lambda c: (-c.weight, scores[c.name]),
    )
    for criterion in weak:
        if sv:
            advice.append(
                f"{criterion.name}: här finns mest att vinna. Konkreta exempel – från jobbet, en "
                "kurs eller ett eget projekt – som visar hur du arbetar med det gör nästa "
                "ansökan starkare."
            )
        else:
            advice.append(
                f"{criterion.name}: this is where there is most to gain. Concrete examples – from "
                "work, a course or a side project – that show how you work with it will make "
                "your next application stronger."
            )
    for name in hire_higher:
        if name in scores and scores[name] >= STRONG_SCORE:
            if sv:
                advice.append(
                    f"{name}: redan en stabil nivå ({scores[name]} av 4). Att fördjupa sig här är det som "
                    "kan göra skillnaden nästa gång."
                )
            else:
                advice.append(
                    f"{name}: already at a solid level ({scores[name]} of 4). Going deeper here is what can make "
                    "the difference next time."
                )
    if not advice:
        advice.append(
            "Fortsätt bygga vidare på dina styrkor och sök gärna igen."
            if sv
            else "Keep building on your strengths, and do apply again."
        )
    return advice[:MAX_ADVICE]


def call_brief(
    role: RoleOpening,
    candidate: Candidate,
    notes: InterviewNotes,
    hired_notes: InterviewNotes | None,
    other_roles: list[RoleMatch] | None = None,
) -> CallBrief:
    """Prepare the rejection call to `candidate`, in the role's language."""
    language = str(role.language)
    sv = language == "sv"
    roles = list(other_roles or [])
    hire_id = hired_notes.candidate_id if hired_notes is not None else None
    hire_phrase = "den anställda personen" if sv else "the person hired"

    def neutral(text: str) -> str:
        return text.replace(hire_id, hire_phrase) if hire_id else text

    grounds = protected_ground_hits([*notes.strengths, *notes.improvement_potential, notes.summary])
    kept_strengths = [neutral(s) for s in notes.strengths if not touches_protected_ground(s)]
    kept_improvement = [
        neutral(s) for s in notes.improvement_potential if not touches_protected_ground(s)
    ]
    left_out = (len(notes.strengths) - len(kept_strengths)) + (
        len(notes.improvement_potential) - len(kept_improvement)
    )
    strengths = kept_strengths[:MAX_STRENGTHS]

    hire_higher: list[str] = []
    if hired_notes is not None:
        hire_higher = [
            c.name
            for c in role.criteria
            if c.name in notes.scores
            and c.name in hired_notes.scores
            and hired_notes.scores[c.name] > notes.scores[c.name]
        ]

    advice = _advice(role, notes.scores, kept_improvement, hire_higher, language)
    ask_consent = bool(roles) or any(score >= STRONG_SCORE for score in notes.scores.values())
    score = weighted_score(role.criteria, notes.scores)

    text = _render(
        role=role,
        candidate=candidate,
        scores=notes.scores,
        score=score,
        strengths=strengths,
        improvement=kept_improvement,
        hire_higher=hire_higher,
        hired_known=hired_notes is not None,
        advice=advice,
        roles=roles,
        ask_consent=ask_consent,
        grounds=grounds,
        left_out=left_out,
    )
    return CallBrief(
        role_id=role.role_id,
        role_title=role.title,
        candidate_id=candidate.candidate_id,
        candidate_name=candidate.name,
        language=role.language,
        scores=dict(notes.scores),
        weighted_score=score,
        strengths=strengths,
        improvement_potential=kept_improvement,
        hire_scored_higher=hire_higher,
        advice=advice,
        other_roles=roles,
        ask_consent=ask_consent,
        protected_ground_warning=grounds,
        text=text,
    )


def _render(
    *,
    role: RoleOpening,
    candidate: Candidate,
    scores: dict[str, int],
    score: float,
    strengths: list[str],
    improvement: list[str],
    hire_higher: list[str],
    hired_known: bool,
    advice: list[str],
    roles: list[RoleMatch],
    ask_consent: bool,
    grounds: list[str],
    left_out: int,
) -> str:
    language = str(role.language)
    sv = language == "sv"
    lines: list[str] = []
    if sv:
        lines.append(f"SAMTALSUNDERLAG – {candidate.name}, {role.title} ({role.role_id})")
    else:
        lines.append(f"CALL BRIEF – {candidate.name}, {role.title} ({role.role_id})")

    if grounds:
        names = _join([ground_name(g, language) for g in grounds], language)
        if sv:
            warning = (
                f"VARNING: anteckningarna berör {names}. Ta inte upp detta i samtalet. "
                "Beslutet ska vila på kriterierna och inget annat."
            )
            if left_out:
                warning += (
                    " 1 anteckning om detta har utelämnats ur underlaget."
                    if left_out == 1
                    else f" {left_out} anteckningar om detta har utelämnats ur underlaget."
                )
        else:
            warning = (
                f"WARNING: the notes touch on {names}. Do not bring this up on the call. "
                "The decision must rest on the criteria and nothing else."
            )
            if left_out:
                warning += (
                    " 1 note about this is left out of this brief."
                    if left_out == 1
                    else f" {left_out} notes about this are left out of this brief."
                )
        lines += ["", warning]

    lines.append("")
    total = _number(score, language)
    if sv:
        lines.append(f"Poäng per kriterium ({scale_legend('sv')}). Viktat resultat: {total} av 4.")
    else:
        lines.append(f"Scores per criterion ({scale_legend('en')}). Weighted score: {total} of 4.")
    for criterion in role.criteria:
        weight = f"vikt {criterion.weight}" if sv else f"weight {criterion.weight}"
        value = scores.get(criterion.name)
        if value is None:
            shown = "inte bedömt" if sv else "not assessed"
        else:
            shown = f"{value}, {scale_words(value, language)}"
        lines.append(f"- {criterion.name} ({weight}): {shown}")

    lines += ["", "Styrkor att bekräfta:" if sv else "Acknowledge these strengths:"]
    if strengths:
        lines += [f"- {s}" for s in strengths]
    else:
        lines.append(
            "- Tacka för intervjun och den tid personen lade ner."
            if sv
            else "- Thank them for the interview and the time they gave."
        )

    lines += [
        "",
        "Utvecklingspotential att lyfta fram:" if sv else "Improvement potential to highlight:",
    ]
    if improvement:
        lines += [f"- {s}" for s in improvement]
    else:
        lines.append(
            "- Inget som kan tas upp; håll dig till poängen ovan."
            if sv
            else "- Nothing that can be raised; keep to the scores above."
        )

    lines += [
        "",
        "Där den anställda personen fick högre poäng:"
        if sv
        else "Where the person hired scored higher:",
    ]
    if hire_higher:
        lines += [f"- {name}" for name in hire_higher]
    elif hired_known:
        lines.append("- På inget kriterium." if sv else "- On no criterion.")
    else:
        lines.append(
            "- Ingen jämförelse: ingen anställd person att jämföra med."
            if sv
            else "- No comparison: there is no hire to compare with."
        )

    lines += ["", "Förslag på råd:" if sv else "Suggested advice:"]
    lines += [f"- {a}" for a in advice]

    lines += ["", "Andra öppna roller som kan passa:" if sv else "Other open roles that may fit:"]
    if roles:
        for match in roles:
            overlap = _join(match.overlap, language)
            share = percent(match.weighted_overlap, language)
            if sv:
                lines.append(
                    f"- {match.title} ({match.role_id}): {overlap} – {share} av rollens kriterievikt"
                )
            else:
                lines.append(
                    f"- {match.title} ({match.role_id}): {overlap} – {share} of the role's "
                    "criteria weight"
                )
    else:
        lines.append("- Inga just nu." if sv else "- None right now.")

    lines += ["", "Samtycke:" if sv else "Consent:"]
    if ask_consent:
        if sv:
            lines.append(
                "Fråga: ”Får vi kontakta dig om andra roller under det kommande året?” "
                "Logga svaret med --consent och --open-to-other-roles."
            )
        else:
            lines.append(
                'Ask: "May we contact you about other roles in the coming year?" '
                "Log the answer with --consent and --open-to-other-roles."
            )
    else:
        lines.append(
            "Ingen fråga om andra roller den här gången: inget kriterium fick 3 eller mer och "
            "ingen öppen roll matchar."
            if sv
            else "No need to ask about other roles this time: no criterion scored 3 or more and "
            "no open role matches."
        )

    lines += [
        "",
        "Nämn inte vem som fick tjänsten. Håll dig till kriterierna."
        if sv
        else "Do not name the person hired. Keep to the criteria.",
    ]
    return "\n".join(lines)
