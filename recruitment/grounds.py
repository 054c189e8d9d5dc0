"""The seven grounds of discrimination in the Swedish Discrimination Act, as words in notes.

Interview notes should rest on the role's criteria alone. When a note touches a protected ground
(sex, gender identity or expression, ethnicity, religion or belief, disability, sexual orientation,
age) the recruiter is warned before the call, and the note is kept out of anything the candidate
reads. The lexicon is deliberately specific: a bare "age" must not fire on "page" or "manage", and
Swedish "men" (but) or "man" (one) must never count as sex.
"""

from __future__ import annotations

import re

# Each entry is a regular-expression fragment. It is matched case-insensitively and only as a whole
# word or phrase: it may not start or end inside a longer word.
PROTECTED_GROUNDS: dict[str, list[str]] = {
    "sex": [
        # en
        r"pregnan\w*",
        r"maternity",
        r"paternity",
        r"parental leave",
        r"wom[ae]n",
        r"female\w*",
        r"male",
        r"lad(?:y|ies)",
        r"girls?",
        r"gender",
        # sv
        r"gravid\w*",
        r"föräldraledig\w*",
        r"mammaledig\w*",
        r"pappaledig\w*",
        r"kvinn(?:a|an|or|orna)",
        r"kvinnlig\w*",
        r"manlig\w*",
        r"tjej\w*",
        r"kill(?:e|en|ar|arna)",
        r"könstillhörighet",
    ],
    "gender identity or expression": [
        # en
        r"trans(?![-\w])",
        r"transgender\w*",
        r"transsexual\w*",
        r"non-?binary",
        r"gender identity",
        r"gender expression",
        r"pronouns",
        r"cross-?dress\w*",
        # sv
        r"transperson\w*",
        r"icke-?binär\w*",
        r"könsidentitet\w*",
        r"könsuttryck\w*",
        r"könsöverskridande",
        r"pronomen",
    ],
    "ethnicity": [
        # en
        r"ethnic\w*",
        r"race(?!\s*conditions?)",
        r"racial\w*",
        r"skin colou?r",
        r"dark-?skinned",
        r"accents?",
        r"native speakers?",
        r"nationality",
        r"foreigners?",
        r"foreign(?:-born| background| name| origin)",
        r"immigra\w*",
        r"refugees?",
        r"exotic",
        r"where (?:he|she|they) (?:is|are|comes?|come) from",
        # sv
        r"etnisk\w*",
        r"etnicitet\w*",
        r"hudfärg\w*",
        r"mörkhyad\w*",
        r"brytning",
        r"bryter på",
        r"infödd\w*",
        r"nationalitet\w*",
        r"utländsk(?:a)? (?:bakgrund|härkomst|namn|ursprung)",
        r"utlandsfödd\w*",
        r"utrikes född\w*",
        r"invandra\w*",
        r"flykting\w*",
        r"romsk\w*",
        r"samisk\w*",
        r"exotisk\w*",
        r"var (?:hen|han|hon) kommer (?:ifrån|från)",
    ],
    "religion or belief": [
        # en
        r"relig\w*",
        r"muslim\w*",
        r"moslem\w*",
        r"islam\w*",
        r"christianity",
        r"jew(?:s|ish)?",
        r"hindu\w*",
        r"buddhis\w*",
        r"sikhs?",
        r"atheis\w*",
        r"hijab\w*",
        r"niqab\w*",
        r"burqa|burka",
        r"headscar(?:f|ves)",
        r"turbans?",
        r"kippah?",
        r"yarmulke",
        r"crucifix",
        r"mosques?",
        r"synagog\w*",
        r"church(?:es|goer\w*)?",
        r"pray(?:s|ed|ing|ers?)?",
        r"ramadan",
        r"kosher",
        r"halal",
        # sv
        r"kristendom\w*",
        r"kristen tro",
        r"kristna",
        r"jud(?:e|ar|arna)",
        r"judisk\w*",
        r"buddis\w*",
        r"ateis\w*",
        r"huvudduk\w*",
        r"slöj(?:a|an|or)",
        r"krucifix",
        r"moské\w*",
        r"moske\w*",
        r"kyrk(?:a|an|or)",
        r"böne?r?",
        r"trosuppfattning\w*",
        r"livsåskådning\w*",
    ],
    "disability": [
        # en
        r"disabilit\w*",
        r"disabled (?:person|people|candidate|applicant|colleague)s?",
        r"handicap\w*",
        r"wheelchairs?",
        r"blind(?!\s*spots?\b)(?:ness)?",
        r"deaf\w*",
        r"hearing aids?",
        r"hearing[- ]impair\w*",
        r"visually impaired",
        r"autis\w*",
        r"asperger\w*",
        r"adhd",
        r"dyslexi\w*",
        r"dyslec\w*",
        r"epilep\w*",
        r"diabet\w*",
        r"depress(?:ed|ion)",
        r"mental (?:illness|health)",
        r"burn-?out",
        r"sick leave",
        r"chronic(?:ally)? (?:ill\w*|illness|disease|pain|condition)",
        r"cancer",
        r"stutter\w*",
        r"neurodiverg\w*",
        # sv
        r"handikapp\w*",
        r"funktionsnedsätt\w*",
        r"funktionsvariation\w*",
        r"funktionshind\w*",
        r"rullstol\w*",
        r"döv\w*",
        r"hörapparat\w*",
        r"hörselskad\w*",
        r"synskad\w*",
        r"dyslektiker\w*",
        r"utbränd\w*",
        r"utmattningssyndrom",
        r"psykisk(?:a)? (?:ohälsa|sjukdom\w*)",
        r"sjukskriv\w*",
        r"kronisk\w* (?:sjuk\w*|smärt\w*)",
        r"stamning",
        r"stammade",
        r"kryckor",
        r"npf",
    ],
    "sexual orientation": [
        # en
        r"gays?",
        r"lesbian\w*",
        r"homosexual\w*",
        r"bisexual\w*",
        r"heterosexual\w*",
        r"sexual orientation",
        r"queer",
        r"lgbt\w*",
        r"same-sex",
        # sv
        r"lesbisk\w*",
        r"homosexu\w*",
        r"bisexu\w*",
        r"heterosexu\w*",
        r"sexuell läggning",
        r"läggning",
        r"hbtq\w*",
        r"bög\w*",
        r"samkönad\w*",
    ],
    "age": [
        # en
        r"age",
        r"aged",
        r"ageing",
        r"young(?:er|est)?",
        r"youth\w*",
        r"elderly",
        r"too old",
        r"old(?:er)? (?:man|woman|person|guy|lady|candidate|applicant)",
        r"\d{1,2}[- ]years?[- ]old",
        r"in (?:his|her|their) (?:twenties|thirties|forties|fifties|sixties|\d0s)",
        r"retire(?:ment|s)? (?:soon|age)",
        r"retirement",
        r"close to retir\w*",
        r"digital natives?",
        r"boomers?",
        r"millennials?",
        r"gen[- ]?z",
        # sv
        r"ålder\w*",
        r"medelålders",
        r"ung(?:a|e)?",
        r"ungdomlig\w*",
        r"yngre",
        r"för gammal",
        r"(?:gammal|äldre) (?:kandidat|sökande|person|man|kvinna|herre|dam)",
        r"\d{1,2} år gammal",
        r"\d{1,2}-åring\w*",
        r"\S*årsåldern",
        r"pensionär\w*",
        r"pensionsålder\w*",
        r"nära pension\w*",
    ],
}

# The names a Swedish reader sees, as the Act spells them.
GROUND_NAMES_SV: dict[str, str] = {
    "sex": "kön",
    "gender identity or expression": "könsöverskridande identitet eller uttryck",
    "ethnicity": "etnisk tillhörighet",
    "religion or belief": "religion eller annan trosuppfattning",
    "disability": "funktionsnedsättning",
    "sexual orientation": "sexuell läggning",
    "age": "ålder",
}

_PATTERNS: dict[str, re.Pattern[str]] = {
    ground: re.compile(
        r"(?<!\w)(?:" + "|".join(f"(?:{term})" for term in terms) + r")(?!\w)",
        re.IGNORECASE,
    )
    for ground, terms in PROTECTED_GROUNDS.items()
}


def grounds_in(text: str) -> list[str]:
    """The protected grounds one text touches, in the lexicon's order."""
    return [ground for ground, pattern in _PATTERNS.items() if pattern.search(text)]


def touches_protected_ground(text: str) -> bool:
    return any(pattern.search(text) for pattern in _PATTERNS.values())


def protected_ground_hits(texts: list[str]) -> list[str]:
    """Sorted unique protected grounds touched by any of `texts`."""
    return sorted({ground for text in texts for ground in grounds_in(text)})


def ground_name(ground: str, language: str) -> str:
    """A ground's name in the reader's language."""
    if str(language).lower() == "sv":
        return GROUND_NAMES_SV.get(ground, ground)
    return ground
