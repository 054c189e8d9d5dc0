"""Every text Winwin sends, in Swedish and English, chosen by the role's language.

Letters to candidates are signed by the recruiter. Notices to the recruiter come from Winwin and
say what to do next, including the exact `recruit` command. Nothing here names the hire in a text
that goes to another candidate.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from recruitment.briefs import CallBrief, percent
from recruitment.calendar import format_date, format_due
from recruitment.grounds import ground_name
from recruitment.models import (
    Candidate,
    InterviewBooking,
    ReengagementRequest,
    RoleMatch,
    RoleOpening,
)
from recruitment.scale import scale_words

__all__ = [
    "Letter",
    "call_fallback_notice",
    "call_reminder",
    "call_task",
    "delivery_failed_notice",
    "fallback_letter",
    "interview_kit",
    "notes_reminder",
    "reengagement_prompt",
    "rejection_letter",
    "scale_words",
]

SYSTEM_SIGNATURE = "– Winwin"
_GROUNDS = (
    "sex",
    "gender identity or expression",
    "ethnicity",
    "religion or belief",
    "disability",
    "sexual orientation",
    "age",
)


class Letter(BaseModel):
    subject: str
    body: str


def _sv(language: object) -> bool:
    return str(language).lower() == "sv"


def _join(items: list[str], sv: bool) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" och " if sv else " and ") + items[-1]


def _letter(subject: str, paragraphs: list[str]) -> Letter:
    return Letter(subject=subject, body="\n\n".join(p for p in paragraphs if p) + "\n")


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _contact(candidate: Candidate, sv: bool) -> str:
    if candidate.phone:
        label = "Telefon" if sv else "Phone"
        return f"{label}: {candidate.phone}\n{'E-post' if sv else 'Email'}: {candidate.email}"
    if sv:
        return (
            f"Inget telefonnummer finns registrerat. Mejla {candidate.email} "
            "och boka en tid för samtalet."
        )
    return f"No phone number on file. Email {candidate.email} to agree on a time for the call."


def _days(n: int, sv: bool) -> str:
    if sv:
        return "1 arbetsdag" if n == 1 else f"{n} arbetsdagar"
    return "1 business day" if n == 1 else f"{n} business days"


def _duration(value: timedelta, sv: bool) -> str:
    seconds = int(value.total_seconds())
    for size, one_sv, many_sv, one_en, many_en in (
        (86400, "dygn", "dygn", "day", "days"),
        (3600, "timme", "timmar", "hour", "hours"),
        (60, "minut", "minuter", "minute", "minutes"),
    ):
        # "24 hours" reads better than "1 day"; whole days from two upwards.
        if seconds >= size and seconds % size == 0 and (size != 86400 or seconds >= 2 * size):
            count = seconds // size
            if sv:
                return f"{count} {one_sv if count == 1 else many_sv}"
            return f"{count} {one_en if count == 1 else many_en}"
    return f"{seconds} {'sekunder' if sv else 'seconds'}"


def _log_commands(role: RoleOpening, candidate: Candidate, sv: bool) -> str:
    ids = f"{role.role_id} {candidate.candidate_id}"
    if sv:
        return (
            "När du har ringt, logga samtalet:\n"
            f'  recruit call log {ids} --reached --notes "..." [--consent] [--open-to-other-roles]\n'
            "Om du inte fick tag på personen, logga försöket:\n"
            f"  recruit call log {ids} --not-reached"
        )
    return (
        "After the call, log it:\n"
        f'  recruit call log {ids} --reached --notes "..." [--consent] [--open-to-other-roles]\n'
        "If you could not reach them, log the attempt:\n"
        f"  recruit call log {ids} --not-reached"
    )


def _fallback_rule(role: RoleOpening, candidate: Candidate, sv: bool) -> str:
    policy = role.policy
    if sv:
        return (
            f"Om samtalet inte har blivit av efter {_days(policy.fallback_after, True)} eller "
            f"{policy.fallback_attempts} obesvarade försök får {candidate.name} i stället ett "
            "personligt brev med återkopplingen."
        )
    return (
        f"If the call has not happened after {_days(policy.fallback_after, False)} or "
        f"{policy.fallback_attempts} unanswered attempts, {candidate.name} gets a personal "
        "letter with the feedback instead."
    )


def rejection_letter(role: RoleOpening, candidate: Candidate, *, filled: bool = True) -> Letter:
    """To an applicant who was never interviewed: thanks, the answer, and a welcome back.

    `filled=False` is for a role that was cancelled rather than filled.
    """
    recruiter = role.recruiter.name
    if _sv(role.language):
        outcome = (
            "Nu har vi tillsatt tjänsten, och den här gången går vi inte vidare med din ansökan."
            if filled
            else "Vi har beslutat att inte tillsätta tjänsten just nu, så vi går inte vidare "
            "med rekryteringen."
        )
        return _letter(
            f"Din ansökan till {role.title}",
            [
                f"Hej {candidate.name},",
                f"Tack för att du sökte rollen som {role.title} hos oss, och för tiden du lade "
                "på din ansökan.",
                outcome + " Det är inget omdöme om dig som person.",
                "Vi blir glada om du söker hos oss igen när du ser en roll som lockar dig. "
                "Har du frågor är du välkommen att svara på det här mejlet.",
                f"Vänliga hälsningar\n{recruiter}",
            ],
        )
    outcome = (
        "The role has now been filled, and we will not be taking your application further "
        "this time."
        if filled
        else "We have decided not to fill the role for now, so the recruitment will not go ahead."
    )
    return _letter(
        f"Your application for {role.title}",
        [
            f"Hello {candidate.name},",
            f"Thank you for applying for the {role.title} role with us, and for the time you put "
            "into your application.",
            outcome + " This is not a judgement of you as a person.",
            "We would be glad to hear from you again when you see a role with us that appeals "
            "to you. If you have any questions, just reply to this email.",
            f"Kind regards,\n{recruiter}",
        ],
    )


def call_task(role: RoleOpening, candidate: Candidate, brief: CallBrief, due: datetime) -> Letter:
    """To the recruiter: who to call, by when, the brief, and how to log the call."""
    sv = _sv(role.language)
    when = format_due(due, role.timezone, "sv" if sv else "en")
    every = role.policy.reminder_every
    if sv:
        reminder = (
            "Du får en påminnelse varje arbetsdag"
            if every == 1
            else f"Du får en påminnelse var {every}:e arbetsdag"
        ) + " tills samtalet är loggat."
        return _letter(
            f"Ring {candidate.name} senast {when}: {role.title}",
            [
                f"Hej {role.recruiter.name},",
                f"{candidate.name} intervjuades för rollen som {role.title} ({role.role_id}) och får inte "
                "tjänsten. Personen ska få höra det från dig i ett samtal, med återkoppling från "
                f"intervjun. Ring senast {when}.",
                _contact(candidate, True),
                "Underlaget för samtalet står nedan. Tacka, bekräfta styrkorna, gå igenom "
                "utvecklingspotentialen och råden, och fråga om andra roller.",
                brief.text,
                _log_commands(role, candidate, True),
                reminder + " " + _fallback_rule(role, candidate, True),
                SYSTEM_SIGNATURE,
            ],
        )
    reminder = (
        "You will get a reminder every business day"
        if every == 1
        else f"You will get a reminder every {every} business days"
    ) + " until the call is logged."
    return _letter(
        f"Call {candidate.name} by {when}: {role.title}",
        [
            f"Hi {role.recruiter.name},",
            f"{candidate.name} was interviewed for the {role.title} role ({role.role_id}) and will not get "
            "the role. They should hear it from you on the phone, with feedback from the "
            f"interview. Please call by {when}.",
            _contact(candidate, False),
            "The brief for the call is below. Thank them, acknowledge their strengths, go through "
            "the improvement potential and the advice, and ask about other roles.",
            brief.text,
            _log_commands(role, candidate, False),
            reminder + " " + _fallback_rule(role, candidate, False),
            SYSTEM_SIGNATURE,
        ],
    )


def call_reminder(
    role: RoleOpening,
    candidate: Candidate,
    due: datetime,
    attempts: int,
    reminder_number: int,
) -> Letter:
    """To the recruiter: the call is still open."""
    sv = _sv(role.language)
    when = format_due(due, role.timezone, "sv" if sv else "en")
    brief_command = f"  recruit call brief {role.role_id} {candidate.candidate_id}"
    if sv:
        tried = (
            "Inga samtalsförsök är loggade än."
            if attempts == 0
            else f"Loggade samtalsförsök hittills: {attempts}."
        )
        return _letter(
            f"Påminnelse {reminder_number}: ring {candidate.name} om {role.title}",
            [
                f"Hej {role.recruiter.name},",
                f"Samtalet till {candidate.name} om rollen {role.title} ({role.role_id}) är inte "
                f"loggat än. Det ska ske senast {when}. {tried}",
                _contact(candidate, True),
                "Underlaget för samtalet:\n" + brief_command,
                _log_commands(role, candidate, True),
                _fallback_rule(role, candidate, True),
                SYSTEM_SIGNATURE,
            ],
        )
    tried = (
        "No call attempts have been logged yet."
        if attempts == 0
        else f"Call attempts logged so far: {attempts}."
    )
    return _letter(
        f"Reminder {reminder_number}: call {candidate.name} about {role.title}",
        [
            f"Hi {role.recruiter.name},",
            f"The call to {candidate.name} about the {role.title} role ({role.role_id}) has not "
            f"been logged yet. It is due by {when}. {tried}",
            _contact(candidate, False),
            "The brief for the call:\n" + brief_command,
            _log_commands(role, candidate, False),
            _fallback_rule(role, candidate, False),
            SYSTEM_SIGNATURE,
        ],
    )


def fallback_letter(
    role: RoleOpening, candidate: Candidate, brief: CallBrief, *, filled: bool = True
) -> Letter:
    """To the candidate, when the call did not happen: the answer and the feedback in writing.

    It carries what the brief says may be said (strengths, improvement potential, advice, and the
    criteria where the hire scored higher) and never who was hired.
    """
    recruiter = role.recruiter.name
    if _sv(role.language):
        outcome = (
            "Tjänsten är nu tillsatt, och den här gången valde vi en annan kandidat."
            if filled
            else "Vi har beslutat att inte tillsätta tjänsten just nu, så vi går inte vidare "
            "med rekryteringen."
        )
        higher = (
            "Den person vi anställde bedömdes som starkare inom "
            + _join(brief.hire_scored_higher, True)
            + "."
            if filled and brief.hire_scored_higher
            else ""
        )
        roles = (
            "Vi har också öppna roller som kan passa dig: "
            + _join([m.title for m in brief.other_roles], True)
            + ". Hör av dig om du vill veta mer."
            if brief.other_roles
            else ""
        )
        consent = (
            "Vill du att vi kontaktar dig om andra roller under det kommande året? Svara bara "
            "på det här mejlet och säg det, så hör vi av oss."
            if brief.ask_consent
            else ""
        )
        return _letter(
            f"Om din ansökan till {role.title}",
            [
                f"Hej {candidate.name},",
                f"Tack för att du kom på intervju för rollen som {role.title} och för tiden du "
                "gav oss. Jag ville berätta det här för dig i telefon, men vi lyckades inte få "
                "tag på varandra. Därför skriver jag i stället.",
                outcome,
                "Här är återkopplingen från din intervju, som jag annars hade gett dig i telefon.",
                "Det här gjorde du bra:\n"
                + _bullets(brief.strengths or ["Du tog dig tid att träffa oss och förbereda dig."]),
                "Här finns utvecklingspotential:\n" + _bullets(brief.improvement_potential)
                if brief.improvement_potential
                else "",
                "Våra råd:\n" + _bullets(brief.advice) if brief.advice else "",
                higher,
                roles,
                consent,
                "Du är välkommen att svara på mejlet eller ringa mig om du vill prata igenom "
                "något av det här.",
                f"Vänliga hälsningar\n{recruiter}",
            ],
        )
    outcome = (
        "The role has now been filled, and this time we chose another candidate."
        if filled
        else "We have decided not to fill the role for now, so the recruitment will not go ahead."
    )
    higher = (
        "The person we hired was assessed as stronger in "
        + _join(brief.hire_scored_higher, False)
        + "."
        if filled and brief.hire_scored_higher
        else ""
    )
    roles = (
        "We also have open roles that may suit you: "
        + _join([m.title for m in brief.other_roles], False)
        + ". Let me know if you would like to hear more."
        if brief.other_roles
        else ""
    )
    consent = (
        "Would you like us to contact you about other roles in the coming year? Just reply to "
        "this email and say so, and we will be in touch."
        if brief.ask_consent
        else ""
    )
    return _letter(
        f"About your application for {role.title}",
        [
            f"Hello {candidate.name},",
            f"Thank you for coming to the interview for the {role.title} role and for the time "
            "you gave us. I wanted to tell you this on the phone, but we did not manage to "
            "reach each other, so I am writing instead.",
            outcome,
            "Here is the feedback from your interview that I would otherwise have given you on "
            "the phone.",
            "What you did well:\n"
            + _bullets(brief.strengths or ["You took the time to meet us and prepare."]),
            "Where you can grow:\n" + _bullets(brief.improvement_potential)
            if brief.improvement_potential
            else "",
            "Our suggestions:\n" + _bullets(brief.advice) if brief.advice else "",
            higher,
            roles,
            consent,
            "You are welcome to reply to this email or call me if you would like to talk any of "
            "this through.",
            f"Kind regards,\n{recruiter}",
        ],
    )


def call_fallback_notice(role: RoleOpening, candidate: Candidate, reason: str) -> Letter:
    """To the recruiter: the call did not happen, and a personal letter went out instead."""
    brief_command = f"  recruit call brief {role.role_id} {candidate.candidate_id}"
    if _sv(role.language):
        return _letter(
            f"Inget samtal med {candidate.name}: ett personligt brev har skickats",
            [
                f"Hej {role.recruiter.name},",
                f"Samtalet till {candidate.name} om rollen {role.title} ({role.role_id}) blev inte "
                f"av: {reason}.",
                f"För att {candidate.name} inte ska bli utan svar har ett personligt brev med "
                f"återkopplingen från underlaget skickats till {candidate.email}.",
                "Om personen hör av sig finns underlaget kvar:\n" + brief_command,
                SYSTEM_SIGNATURE,
            ],
        )
    return _letter(
        f"No call with {candidate.name}: a personal letter was sent instead",
        [
            f"Hi {role.recruiter.name},",
            f"The call to {candidate.name} about the {role.title} role ({role.role_id}) did not "
            f"happen: {reason}.",
            f"So that {candidate.name} is not left without an answer, a personal letter with the "
            f"feedback from the brief has been sent to {candidate.email}.",
            "If they get in touch, the brief is still there:\n" + brief_command,
            SYSTEM_SIGNATURE,
        ],
    )


_UNDELIVERED_WHAT = {
    "rejection_letter": ("avslagsbrevet", "rejection letter"),
    "fallback_letter": ("det personliga brevet med återkopplingen", "personal feedback letter"),
}


def delivery_failed_notice(
    role: RoleOpening, candidate: Candidate, kind: str, server_reply: str
) -> Letter:
    """To the recruiter: a letter to a candidate bounced for good, so they have no answer yet."""
    sv = _sv(role.language)
    default = kind.replace("_", " ")
    what_sv, what_en = _UNDELIVERED_WHAT.get(kind, (default, default))
    # The delivery activity prefixes its refusal; the recruiter wants the server's own words.
    server_reply = server_reply.removeprefix("undeliverable:").strip() or "no reason given"
    status_command = f"  recruit role status {role.role_id}"
    if sv:
        reach = (
            f"Ring {candidate.name} på {candidate.phone} och ge beskedet personligen, eller be om "
            "en adress som fungerar."
            if candidate.phone
            else "Inget telefonnummer finns registrerat. Hitta en annan väg att nå personen och "
            "ge beskedet, så att ingen blir utan svar."
        )
        return _letter(
            f"Brevet till {candidate.name} gick inte fram",
            [
                f"Hej {role.recruiter.name},",
                f"{what_sv.capitalize()} till {candidate.name} om rollen {role.title} "
                f"({role.role_id}) kunde inte levereras till {candidate.email}. "
                f"E-postservern svarade: {server_reply}.",
                f"{candidate.name} har alltså inte fått något besked än. {reach}",
                "Händelsen finns i rollens tidslinje:\n" + status_command,
                SYSTEM_SIGNATURE,
            ],
        )
    reach = (
        f"Call {candidate.name} on {candidate.phone} and give them the answer in person, or ask "
        "for an address that works."
        if candidate.phone
        else "No phone number on file. Find another way to reach them with the answer, so that "
        "nobody is left without one."
    )
    return _letter(
        f"The letter to {candidate.name} did not get through",
        [
            f"Hi {role.recruiter.name},",
            f"The {what_en} to {candidate.name} about the {role.title} role ({role.role_id}) "
            f"could not be delivered to {candidate.email}. The mail server said: {server_reply}.",
            f"So {candidate.name} has not had an answer yet. {reach}",
            "The event is in the role's timeline:\n" + status_command,
            SYSTEM_SIGNATURE,
        ],
    )


def _record_command(role: RoleOpening, candidate: Candidate, sv: bool) -> str:
    scores = " ".join(f'--score "{c.name}=N"' for c in role.criteria)
    email = "DIN-EPOST" if sv else "YOUR-EMAIL"
    return (
        f"  recruit interview record {role.role_id} {candidate.candidate_id} "
        f'--interviewer {email} {scores} --strength "..." --improve "..." --summary "..."'
    )


def interview_kit(role: RoleOpening, candidate: Candidate, booking: InterviewBooking) -> Letter:
    """To the interviewers: when, what to assess, the scale, and the notes template."""
    sv = _sv(role.language)
    lang = "sv" if sv else "en"
    when = format_due(booking.at, role.timezone, lang)
    scale = "\n".join(f"  {n} = {scale_words(n, lang)}" for n in range(1, 5))
    grounds = ", ".join(ground_name(g, lang) for g in _GROUNDS[:-1])
    grounds += (" eller " if sv else " or ") + ground_name(_GROUNDS[-1], lang)
    after = _duration(role.policy.notes_reminder_after, sv)

    def criterion_line(name: str, weight: int, description: str) -> str:
        label = f"vikt {weight}" if sv else f"weight {weight}"
        return f"- {name} ({label})" + (f": {description}" if description else "")

    criteria = "\n".join(criterion_line(c.name, c.weight, c.description) for c in role.criteria)
    if sv:
        template = "\n".join(
            [*(f"  {c.name} (1–4):" for c in role.criteria)]
            + ["  Styrkor:", "  Utvecklingspotential:", "  Sammanfattning:"]
        )
        return _letter(
            f"Intervjuunderlag: {candidate.name}, {role.title}, {when}",
            [
                "Hej,",
                f"Du intervjuar {candidate.name} för rollen som {role.title} ({role.role_id}) "
                f"{when} ({role.timezone}).",
                "Bedöm mot kriterierna. Vikten (1–5) anger hur mycket varje kriterium räknas.\n"
                + criteria,
                "Skala 1–4, utan neutralt mittenalternativ: ta ställning till om kandidaten "
                "uppfyller kriteriet.\n" + scale,
                f"Håll dig till kriterierna. Anteckna ingenting om {grounds}.",
                "Anteckningsmall – fyll i alla fält för varje kandidat du intervjuar, även den "
                "du inte skulle anställa. Utvecklingspotential behövs för alla: det är den "
                "återkoppling kandidaten får.\n" + template,
                f"Registrera anteckningarna direkt efter intervjun. Saknas de {after} efteråt "
                "får du en påminnelse.\n" + _record_command(role, candidate, True),
                f"Tack!\n{role.recruiter.name}",
            ],
        )
    template = "\n".join(
        [*(f"  {c.name} (1–4):" for c in role.criteria)]
        + ["  Strengths:", "  Improvement potential:", "  Summary:"]
    )
    return _letter(
        f"Interview kit: {candidate.name}, {role.title}, {when}",
        [
            "Hello,",
            f"You are interviewing {candidate.name} for the {role.title} role ({role.role_id}) "
            f"on {when} ({role.timezone}).",
            "Assess against the criteria. The weight (1–5) says how much each one counts.\n"
            + criteria,
            "Scale 1–4, with no neutral middle: decide whether the candidate meets the "
            "criterion.\n" + scale,
            f"Keep to the criteria. Do not note anything about {grounds}.",
            "Notes template – fill in every field for every candidate you interview, including "
            "the ones you would not hire. Improvement potential is needed for everyone: it is "
            "the feedback the candidate will get.\n" + template,
            f"Record the notes right after the interview. If they are missing {after} "
            "afterwards, you will get a reminder.\n" + _record_command(role, candidate, False),
            f"Thank you,\n{role.recruiter.name}",
        ],
    )


def notes_reminder(role: RoleOpening, candidate: Candidate, booking: InterviewBooking) -> Letter:
    """To the interviewers: no notes yet for an interview that has taken place."""
    sv = _sv(role.language)
    lang = "sv" if sv else "en"
    when = format_due(booking.at, role.timezone, lang)
    names = _join([c.name for c in role.criteria], sv)
    if sv:
        return _letter(
            f"Anteckningar saknas: intervjun med {candidate.name}, {role.title}",
            [
                "Hej,",
                f"Intervjun med {candidate.name} för rollen som {role.title} hölls {when}, och "
                "inga anteckningar är registrerade än.",
                "Varje intervjuad kandidat behöver anteckningar – poäng på varje kriterium, "
                "styrkor och utvecklingspotential – innan beslutet kan fattas, och för att "
                f"{candidate.name} ska få en riktig återkoppling.",
                f"Kriterier att bedöma: {names}.\n" + _record_command(role, candidate, True),
                f"Tack!\n{role.recruiter.name}",
            ],
        )
    return _letter(
        f"Notes missing: interview with {candidate.name}, {role.title}",
        [
            "Hello,",
            f"The interview with {candidate.name} for the {role.title} role was on {when}, and "
            "no notes have been recorded yet.",
            "Every interviewee needs notes – a score on each criterion, strengths and improvement "
            f"potential – before the decision can be made, and so that {candidate.name} gets "
            "real feedback.",
            f"Criteria to score: {names}.\n" + _record_command(role, candidate, False),
            f"Thank you,\n{role.recruiter.name}",
        ],
    )


def _match_line(match: RoleMatch, sv: bool) -> str:
    overlap = _join(match.overlap, sv)
    share = percent(match.weighted_overlap, "sv" if sv else "en")
    if sv:
        return f"- {match.title} ({match.role_id}): {overlap} – {share} av rollens kriterievikt"
    return f"- {match.title} ({match.role_id}): {overlap} – {share} of the role's criteria weight"


def reengagement_prompt(request: ReengagementRequest, matches: list[RoleMatch]) -> Letter:
    """To the recruiter: a candidate who consented fits roles that are open now."""
    sv = _sv(request.language)
    lang = "sv" if sv else "en"
    candidate = request.candidate
    given = format_date(request.consent_given_at, request.timezone, lang)
    expires = format_date(
        request.consent_given_at + request.consent_valid_for, request.timezone, lang
    )
    lines = "\n".join(_match_line(m, sv) for m in matches)
    strong = _join(request.strong_criteria, sv)
    if sv:
        count = (
            "1 öppen roll matchar" if len(matches) == 1 else f"{len(matches)} öppna roller matchar"
        )
        return _letter(
            f"Ring tillbaka {candidate.name}? {count}",
            [
                f"Hej {request.recruiter.name},",
                f"{candidate.name} fick inte rollen som {request.role_title} ({request.role_id}), "
                f"men tackade den {given} ja till att bli kontaktad om andra roller. Personens "
                f"starka kriterier ({strong}) matchar de här öppna rollerna:",
                lines,
                f"Ring gärna {candidate.name} och berätta om dem.\n" + _contact(candidate, True),
                "Underlaget från den tidigare rollen:\n\n" + request.brief,
                f"Samtycket gäller till {expires}.",
                SYSTEM_SIGNATURE,
            ],
        )
    count = "1 open role matches" if len(matches) == 1 else f"{len(matches)} open roles match"
    return _letter(
        f"Call back {candidate.name}? {count}",
        [
            f"Hi {request.recruiter.name},",
            f"{candidate.name} was turned down for {request.role_title} ({request.role_id}), but "
            f"agreed on {given} to be contacted about other roles. Their strong criteria "
            f"({strong}) match these open roles:",
            lines,
            f"Consider calling {candidate.name} to tell them about it.\n"
            + _contact(candidate, False),
            "The brief from the earlier role:\n\n" + request.brief,
            f"Consent is valid until {expires}.",
            SYSTEM_SIGNATURE,
        ],
    )
