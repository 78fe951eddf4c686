"""copydesk: clean machine-translated news and explain every change.

The pipeline's stages, one module each: :mod:`~copydesk.load` (bytes to text),
:mod:`~copydesk.langid` (language), :mod:`~copydesk.normalize` (glossary terms),
:mod:`~copydesk.rules` and :mod:`~copydesk.findings` (safe fixes and findings),
:mod:`~copydesk.scores` and :mod:`~copydesk.report` (render). :func:`clean` runs them all
with the :class:`Settings` that :func:`load_settings` reads from a :class:`SettingsSpec`.
"""

from __future__ import annotations

from copydesk._version import __version__
from copydesk.edits import apply_edits, compose_edits, undo_edits
from copydesk.errors import ConfigError, CopydeskError, GlossaryError, InputError, RuleFileError
from copydesk.glossary import Glossary, load_glossary
from copydesk.load import Document, load_bytes, load_path
from copydesk.model import Edit, Finding, Language, Result
from copydesk.normalize import normalize_terms, normalize_terms_and_explain
from copydesk.pipeline import clean, clean_file
from copydesk.settings import Settings, SettingsSpec, load_settings

__all__ = [
    "ConfigError",
    "CopydeskError",
    "Document",
    "Edit",
    "Finding",
    "Glossary",
    "GlossaryError",
    "InputError",
    "Language",
    "Result",
    "RuleFileError",
    "Settings",
    "SettingsSpec",
    "__version__",
    "apply_edits",
    "clean",
    "clean_file",
    "compose_edits",
    "load_bytes",
    "load_glossary",
    "load_path",
    "load_settings",
    "normalize_terms",
    "normalize_terms_and_explain",
    "undo_edits",
]
