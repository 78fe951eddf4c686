"""Stage 2, *language*: which language an article is written in.

Contract: :func:`detect_language` is deterministic (langdetect with a fixed seed) and never
raises: text with no usable features gives the code ``"und"`` (undetermined), and the
pipeline then skips every language-specific step and says so in the report.
"""

from __future__ import annotations

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


def given_language(code: str) -> Language:
    """A language the user stated (``--lang``), normalised to a lower-case primary tag.

    >>> given_language("FR-ca").code
    'fr'
    """
    return Language(code=code.split("-")[0].split("_")[0].lower(), probability=None, method="given")
