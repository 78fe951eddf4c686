"""copydesk: clean machine-translated news and explain every change.

The pipeline's stages, one module each: :mod:`~copydesk.load` (bytes to text),
:mod:`~copydesk.langid` (language), :mod:`~copydesk.normalize` (glossary terms),
:mod:`~copydesk.rules` and :mod:`~copydesk.findings` (safe fixes and findings),
:mod:`~copydesk.scores` and :mod:`~copydesk.report` (render). :func:`clean` runs them all
with the :class:`Settings` that :func:`load_settings` reads from a :class:`SettingsSpec`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from copydesk._version import __version__

if TYPE_CHECKING:
    from copydesk.edits import apply_edits, compose_edits, undo_edits
    from copydesk.errors import (
        ConfigError,
        CopydeskError,
        GlossaryError,
        InputError,
        RuleFileError,
    )
    from copydesk.glossary import Glossary, load_glossary
    from copydesk.load import Document, load_bytes, load_path
    from copydesk.model import Edit, Finding, Language, Result
    from copydesk.normalize import normalize_terms, normalize_terms_and_explain
    from copydesk.pipeline import clean, clean_file
    from copydesk.settings import Settings, SettingsSpec, load_settings

# Where each name of the package's interface lives: a module is imported when one of its
# names is first asked for, so that importing one module of the package (the command line,
# a flow's task) does not import all of them.
_HOMES = {
    "apply_edits": "edits",
    "compose_edits": "edits",
    "undo_edits": "edits",
    "ConfigError": "errors",
    "CopydeskError": "errors",
    "GlossaryError": "errors",
    "InputError": "errors",
    "RuleFileError": "errors",
    "Glossary": "glossary",
    "load_glossary": "glossary",
    "Document": "load",
    "load_bytes": "load",
    "load_path": "load",
    "Edit": "model",
    "Finding": "model",
    "Language": "model",
    "Result": "model",
    "normalize_terms": "normalize",
    "normalize_terms_and_explain": "normalize",
    "clean": "pipeline",
    "clean_file": "pipeline",
    "Settings": "settings",
    "SettingsSpec": "settings",
    "load_settings": "settings",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:  # a submodule, as ``copydesk.pipeline`` after ``import copydesk``
        try:
            return importlib.import_module(f"copydesk.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"copydesk.{name}":
                raise
            msg = f"module 'copydesk' has no attribute {name!r}"
            raise AttributeError(msg) from None
    value = getattr(importlib.import_module(f"copydesk.{home}"), name)
    globals()[name] = value
    return value


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


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
