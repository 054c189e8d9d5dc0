"""Scoring, ranking and the decision rule: the hire must be the best qualified, or say why not.

Pure functions over the domain models. The messages they return are shown verbatim to the
recruiter on the command line, one line per problem.
"""

from __future__ import annotations

import re

from recruitment.grounds import touches_protected_ground
from recruitment.models import (
    Criterion,
    HiringDecision,
    InterviewNotes,
    RankingEntry,
    RoleOpening,
)
from recruitment.scale import scale_legend, scale_words

MIN_REASON_CHARS = 20

# Phrases that sound like a reason but give none. A rationale made of these alone is refused.
VAGUE_PHRASES: tuple[str, ...] = (
    # en
    "not a good fit",
    "not a great fit",
    "not the right fit",
    "not the best fit",
    "not a fit",
    "not a good match",
    "not the right match",
    "not a match",
    "not the right person",
    "not the right profile",
    "not the right candidate",
    "not right for us",
    "not for us",
    "not convinced",
    "not impressed",
    "bad fit",
    "poor fit",
    "wrong fit",
    "good fit",
    "great fit",
    "better fit",
    "best fit",
    "right fit",
    "perfect fit",
    "cultural fit",
    "culture fit",
    "team fit",
    "did not fit in",
    "would not fit in",
    "fits in",
    "fit in",
    "good match",
    "great match",
    "better match",
    "best match",
    "perfect match",
    "gut feeling",
    "gut feel",
    "gut instinct",
    "just a feeling",
    "felt right",
    "feels right",
    "felt wrong",
    "good chemistry",
    "chemistry",
    "good vibes",
    "vibes",
    "vibe",
    "x factor",
    "x-factor",
    "something was missing",
    "something missing",
    # sv
    "inte rätt profil",
    "inte rätt person",
    "inte rätt kandidat",
    "inte rätt match",
    "inte rätt för oss",
    "inte en bra match",
    "inte en bra passform",
    "inte övertygad",
    "inte övertygande",
    "passade inte in",
    "passar inte in",
    "passade inte",
    "passar inte",
    "passade in",
    "passar in",
    "passade bättre",
    "passar bättre",
    "passade bäst",
    "passar bäst",
    "kulturell passform",
    "kulturell match",
    "kulturmatch",
    "kulturpassform",
    "bra passform",
    "bättre passform",
    "passform",
    "bra match",
    "bättre match",
    "bästa match",
    "perfekt match",
    "rätt profil",
    "rätt person",
    "rätt kandidat",
    "magkänsla",
    "magkänslan",
    "personkemi",
    "personkemin",
    "kemin",
    "kändes rätt",
    "kändes fel",
    "kändes bäst",
    "kändes bättre",
    "klickade inte",
    "föll inte i smaken",
)

# Words that carry no reason of their own. What is left of a rationale once these and the vague
# phrases are gone is what it actually says.
FILLER_WORDS: frozenset[str] = frozenset(
    """
    just simply really very quite rather totally completely entirely basically honestly frankly
    overall generally clearly obviously definitely somehow anyway also too all any some enough
    more most less well like ok okay fine yes no not
    they them their theirs he him his she her hers it its we us our ours i me my you your one
    was were is are be been being am do does did done would could should will shall can may might
    have has had the a an and or but so to of for with in on at as by from about that this these
    those there here than then because since why reason reasons
    seem seems seemed felt feel feels think thought believe believed decided decision chose chosen
    choose went go going hire hired hiring offer
    candidate candidates person people other others else everyone someone anyone team company
    role position job
    good great better best right wrong bad poor fit fits match matches
    helt enkelt bara verkligen väldigt mycket ganska rätt fel bra bättre bäst bästa dålig sämre
    var är vara varit blir blev bli hen han hon de dem den det denna detta dessa vi oss vår vårt
    våra jag mig min mitt du dig och eller men så inte ej ingen inget inga i på för till av med om
    som att en ett här där än också totalt överlag generellt allmänt sammantaget helhet helheten
    kändes känns känsla känslan verkar verkade tycker tyckte tror trodde kandidat kandidaten
    kandidater person personen teamet gruppen företaget bolaget rollen tjänsten jobbet
    ok okej nog tillräckligt lite mer mest därför eftersom valde valet beslut beslutet anställa
    anställd erbjudande sig sin sitt sina alla någon något några har hade ha kan kunde ska skulle
    vill ville skall in andra annan annat övriga
    """.split()
)

_VAGUE_PATTERN = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        r"\s+".join(re.escape(word) for word in phrase.split())
        for phrase in sorted(VAGUE_PHRASES, key=len, reverse=True)
    )
    + r")(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"n't\b", " not", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip()


def vague_phrases_in(text: str) -> list[str]:
    """The vague phrases found in `text`, lower-cased, in the order they appear."""
    found: list[str] = []
    for match in _VAGUE_PATTERN.finditer(_normalise(text)):
        phrase = re.sub(r"\s+", " ", match.group(0).lower())
        if phrase not in found:
            found.append(phrase)
    return found


def substantive_words(text: str) -> list[str]:
    """What `text` says once vague phrases, punctuation and filler words are taken out."""
    remainder = _VAGUE_PATTERN.sub(" ", _normalise(text))
    return [
        word
        for word in _WORD.findall(remainder.lower())
        if word not in FILLER_WORDS and not word.startswith("_")
    ]


def is_vague(text: str) -> bool:
    """True when `text` is under 20 characters or says nothing beyond vague phrases and filler.

    "Not a good fit." is vague. "Strongest in Python and system design; cultural fit also good"
    is not: it names the criteria that decided it.
    """
    if len(text.strip()) < MIN_REASON_CHARS:
        return True
    return not substantive_words(text)


def weighted_score(criteria: list[Criterion], scores: dict[str, int]) -> float:
    """Σ weight·score / Σ weight over the criteria that were scored, rounded to 2 decimals.

    Scores for names that are not criteria are ignored; 0.0 when no criterion was scored.
    """
    scored = [(c.weight, scores[c.name]) for c in criteria if c.name in scores]
    total_weight = sum(weight for weight, _ in scored)
    if total_weight == 0:
        return 0.0
    return round(sum(weight * score for weight, score in scored) / total_weight, 2)


def notes_problems(role: RoleOpening, notes: InterviewNotes) -> list[str]:
    """One line per way the notes fail to fit the role's criteria; empty when they fit."""
    names = [c.name for c in role.criteria]
    listed = ", ".join(names)
    problems = [
        f"unknown criterion {name!r}: this role's criteria are {listed}"
        for name in notes.scores
        if name not in names
    ]
    problems += [
        f"missing criterion {name!r}: every criterion needs a score from 1 to 4"
        for name in names
        if name not in notes.scores
    ]
    return problems


def rank(role: RoleOpening, notes: list[InterviewNotes]) -> list[RankingEntry]:
    """Highest weighted score first, ties by candidate id, with competition ranks (1, 1, 3)."""
    scored = sorted(
        ((weighted_score(role.criteria, n.scores), n) for n in notes),
        key=lambda pair: (-pair[0], pair[1].candidate_id),
    )
    ranking: list[RankingEntry] = []
    for position, (score, n) in enumerate(scored, start=1):
        same_as_previous = bool(ranking) and ranking[-1].weighted_score == score
        ranking.append(
            RankingEntry(
                rank=ranking[-1].rank if same_as_previous else position,
                candidate_id=n.candidate_id,
                weighted_score=score,
                scores=dict(n.scores),
            )
        )
    return ranking


def format_ranking(ranking: list[RankingEntry]) -> str:
    """One line: "ranking: 1. anna-svensson 3.40, 2. bo-ek 2.90"."""
    if not ranking:
        return "ranking: nobody has interview notes yet"
    return "ranking: " + ", ".join(
        f"{e.rank}. {e.candidate_id} {e.weighted_score:.2f}" for e in ranking
    )


def _reason_problem(field: str, text: str | None) -> str | None:
    """Why `text` does not explain a decision, or None when it does."""
    stripped = (text or "").strip()
    if not stripped:
        return f"{field} is missing: say which criteria decided it (at least 20 characters)"
    phrases = vague_phrases_in(stripped)
    quoted = ", ".join(f'"{p}"' for p in phrases)
    if len(stripped) < MIN_REASON_CHARS:
        vague = f" and vague ({quoted})" if phrases else ""
        return (
            f'{field} is too short ({len(stripped)} characters, at least 20){vague}: "{stripped}"; '
            "say which criteria decided it"
        )
    if not substantive_words(stripped):
        if phrases:
            return (
                f"{field} is vague: {quoted} alone does not say why; "
                "name the criteria that decided it"
            )
        return f'{field} says nothing concrete: "{stripped}"; name the criteria that decided it'
    return None


def decision_problems(
    role: RoleOpening,
    decision: HiringDecision,
    interviewees: dict[str, InterviewNotes | None],
) -> list[str]:
    """Why a decision cannot be accepted, one line per problem; empty when it can.

    `interviewees` maps every active candidate who has been interviewed or has an interview
    booked to their notes (None: no notes yet). When there are problems, the last line is the
    ranking, so the recruiter sees where everyone stands.
    """
    problems: list[str] = []
    chosen = decision.candidate_id
    chosen_notes = interviewees.get(chosen)
    if chosen not in interviewees:
        problems.append(f"{chosen} has not been interviewed: only an interviewee can be hired")
    elif chosen_notes is None:
        problems.append(
            f"{chosen} has no interview notes yet: record them with "
            f"`recruit interview record {role.role_id} {chosen} ...` before deciding"
        )

    missing = sorted(cid for cid, n in interviewees.items() if n is None and cid != chosen)
    if missing:
        problems.append(
            f"interview notes missing for {', '.join(missing)}: every interviewee needs notes, "
            "improvement potential included, before a decision"
        )

    rationale_problem = _reason_problem("rationale", decision.rationale)
    if rationale_problem:
        problems.append(rationale_problem)

    ranking = rank(role, [n for n in interviewees.values() if n is not None])
    entry = next((e for e in ranking if e.candidate_id == chosen), None)
    if chosen_notes is not None and entry is not None and entry.rank != 1:
        top = [e for e in ranking if e.rank == 1]
        above = (
            f"{chosen} is ranked {entry.rank} ({entry.weighted_score:.2f}), below "
            f"{', '.join(e.candidate_id for e in top)} ({top[0].weighted_score:.2f})"
        )
        override = (decision.override_reason or "").strip()
        if not override:
            problems.append(
                f"{above}: hiring them needs an override_reason of at least 20 characters "
                "that explains why"
            )
        else:
            override_problem = _reason_problem("override_reason", override)
            if override_problem:
                problems.append(f"{above}, and the {override_problem}")

    if problems and ranking:
        problems.append(format_ranking(ranking))
    return problems


def _number(value: float, language: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if language == "sv" else text


def _mentions(text: str, name: str) -> bool:
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def merits_summary(role: RoleOpening, hired: InterviewNotes) -> str:
    """The hired person's merits, criterion by criterion, as an applicant may ask for them.

    Written in the role's language, about "the person hired" and never by name. Strengths that
    touch a protected ground are left out.
    """
    sv = str(role.language) == "sv"
    lang = "sv" if sv else "en"

    hire_phrase = "den anställda personen" if sv else "the person hired"

    def neutral(text: str) -> str:
        return text.replace(hired.candidate_id, hire_phrase)

    strengths = [neutral(s) for s in hired.strengths if not touches_protected_ground(s)]
    used: set[int] = set()
    lines: list[str] = []
    if sv:
        lines.append(f"Meriter för den anställda personen: {role.title} ({role.role_id})")
        lines.append("")
        lines.append(
            "Den anställda personen bedömdes mot vart och ett av rollens kriterier på en skala "
            f"från 1 till 4 ({scale_legend('sv')}). Vikten (1–5) anger hur mycket kriteriet räknas."
        )
    else:
        lines.append(f"Merits of the person hired: {role.title} ({role.role_id})")
        lines.append("")
        lines.append(
            "The person hired was assessed against each of the role's criteria on a scale from "
            f"1 to 4 ({scale_legend('en')}). The weight (1–5) says how much a criterion counts."
        )
    lines.append("")
    for criterion in role.criteria:
        score = hired.scores.get(criterion.name)
        if score is None:
            assessed = "inte bedömt" if sv else "not assessed"
        else:
            of = "av" if sv else "of"
            assessed = f"{score} {of} 4, {scale_words(score, lang)}"
        weight = f"vikt {criterion.weight}" if sv else f"weight {criterion.weight}"
        lines.append(f"- {criterion.name} ({weight}): {assessed}.")
        if criterion.description:
            lines.append(f"  {'Kriteriet' if sv else 'Criterion'}: {criterion.description}")
        related = [i for i, s in enumerate(strengths) if _mentions(s, criterion.name)]
        if related:
            label = "Noterade styrkor" if sv else "Strengths noted"
            lines.append(f"  {label}: " + "; ".join(strengths[i] for i in related))
            used.update(related)
    others = [s for i, s in enumerate(strengths) if i not in used]
    if others:
        lines.append("")
        lines.append(
            "Övriga styrkor från intervjun:" if sv else "Other strengths noted in the interview:"
        )
        lines.extend(f"- {s}" for s in others)
    lines.append("")
    total = _number(weighted_score(role.criteria, hired.scores), lang)
    lines.append(f"Viktat resultat: {total} av 4." if sv else f"Weighted score: {total} of 4.")
    lines.append("")
    if sv:
        lines.append(
            "En sökande som inte fick tjänsten har enligt diskrimineringslagen (2008:567) "
            "2 kap. 4 § rätt att på begäran få skriftliga uppgifter om vilka meriter den som "
            "anställdes har. Det är de uppgifterna som står här."
        )
    else:
        lines.append(
            "An applicant who was not hired may ask in writing for the merits of the person "
            "hired under the Swedish Discrimination Act (2008:567) ch. 2 § 4. "
            "This is that information."
        )
    return "\n".join(lines)
