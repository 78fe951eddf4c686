"""Stage 2, *language*: which language an article is written in.

Contract: :func:`detect_language` is deterministic (langdetect with a fixed seed) and never
raises: text with no usable features gives the code ``"und"`` (undetermined), and the
pipeline then skips every language-specific step and says so in the report. A language
the user states goes through :func:`language_code` first, the one check every entry point
uses (the CLI's ``--lang``, the flows' ``language``, ``pipeline.clean(language=...)``): only
a code of letters can name a rule folder or reach a report.
"""

from __future__ import annotations

import re

from copydesk.errors import InputError
from copydesk.model import Language

# langdetect's cost grows with the text; the opening of an article is enough to tell
# its language, and a fixed sample keeps detection time flat on large inputs.
SAMPLE_CHARS = 20_000
UNDETERMINED = "und"


def _detector_factory() -> None:
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0


def detect_language(text: str) -> Language:
    """Detect the document language (ISO 639-1 code, lower case).

    >>> detect_language("The president met his counterpart in the city on Monday.").code
    'en'
    """
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    _detector_factory()
    try:
        ranked = detect_langs(text[:SAMPLE_CHARS])
    except LangDetectException:
        return Language(code=UNDETERMINED, probability=None, method="langdetect")
    best = ranked[0]
    code = str(best.lang).split("-")[0].lower()
    return Language(code=code, probability=round(float(best.prob), 4), method="langdetect")


# ISO 639-1 or 639-3 letters, then optionally an ISO 15924 script and a region (pt-BR,
# zh-Hant-TW, es-419); "_" is accepted for "-" as in locale names (pt_BR).
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z]{4})?(?:[-_](?:[a-z]{2}|[0-9]{3}))?", re.I)


def language_code(value: str) -> str:
    """The primary language code of a stated language tag, lower case; else InputError.

    >>> language_code("pt-BR"), language_code("EN"), language_code("ckb")
    ('pt', 'en', 'ckb')
    >>> language_code("../../x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    copydesk.errors.InputError: language must be a language code such as 'en' ... got '../../x'
    """
    match = _LANGUAGE_TAG.fullmatch(value) if value.isascii() else None
    if match is None:
        msg = (
            "language must be a language code such as 'en' or 'pt-BR' (ISO 639-1 or 639-3 "
            f"letters, optionally a region), got {value!r}"
        )
        raise InputError(msg)
    return match.group(1).lower()


def given_language(code: str) -> Language:
    """A language the user stated (``--lang``), checked and reduced to its primary code.

    >>> given_language("FR-ca").code
    'fr'
    """
    return Language(code=language_code(code), probability=None, method="given")
