"""The 1–4 interview scale in words, in Swedish and English.

The scale has no neutral middle: an interviewer has to say whether the candidate meets a criterion.
"""

from __future__ import annotations

SCALE_MIN = 1
SCALE_MAX = 4

_WORDS: dict[str, dict[int, str]] = {
    "en": {1: "does not meet", 2: "partly meets", 3: "meets", 4: "exceeds"},
    "sv": {1: "uppfyller inte", 2: "uppfyller delvis", 3: "uppfyller", 4: "överträffar"},
}


def _language(language: str) -> str:
    code = str(language).lower()
    if code not in _WORDS:
        raise ValueError(f"unknown language {language!r} (use 'sv' or 'en')")
    return code


def scale_words(score: int, language: str) -> str:
    """What a score means, e.g. 3 -> "meets" / "uppfyller"."""
    words = _WORDS[_language(language)]
    if score not in words:
        raise ValueError(f"score must be between {SCALE_MIN} and {SCALE_MAX}, got {score!r}")
    return words[score]


def scale_legend(language: str) -> str:
    """The whole scale on one line: "1 = does not meet, 2 = partly meets, 3 = meets, ..."."""
    words = _WORDS[_language(language)]
    return ", ".join(f"{score} = {words[score]}" for score in sorted(words))
