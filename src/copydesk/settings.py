"""Settings in one place: the spec that is passed around, the loaded settings, the signature.

Contract:

- :class:`SettingsSpec` is what a run asks for, as paths and flags only: a frozen, picklable,
  JSON-friendly value (string paths, an ISO date). Both command lines build one from their
  shared options (:mod:`copydesk.options`) and every flow takes one as its ``settings``
  parameter.
- :func:`load_settings` is the one loader from a spec to :class:`Settings`, the loaded,
  in-process object the pipeline takes (glossary, house style, false-alarm memory; rule
  packs load per language on demand). Glossaries and rule packs are cached while their files
  are unchanged. Bad data raises a :class:`~copydesk.errors.CopydeskError` naming the file.
- :meth:`Settings.signature` is the one builder of a result's signature (for a language) and
  of the batch key (for any language: every rule file of every language is hashed, so a batch
  can tell whether an article is current before it knows its language); :meth:`Settings.key`
  is the latter as a string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from copydesk._cache import BoundedCache, FileStamp, file_stamp
from copydesk.config import HouseStyle, load_house_style
from copydesk.errors import RuleFileError
from copydesk.findings.dictionaries import dictionary_id
from copydesk.findings.registry import check_rule_prefixes
from copydesk.glossary import Glossary, default_glossary_dir, load_glossary
from copydesk.langid import language_code
from copydesk.load import read_regular_file
from copydesk.memory import FalseAlarmMemory, default_memory_path, load_memory
from copydesk.rules import RuleSet, default_rules_directory, load_rules
from copydesk.signature import Signature

__all__ = ["Settings", "SettingsSpec", "default_settings", "load_settings"]

#: The ``lang`` (and rules language) of the batch key: any language.
ANY_LANGUAGE = "*"


@dataclass(frozen=True)
class SettingsSpec:
    """What a run asks for, before anything is read: paths and flags.

    ``None`` means the default: the shipped glossary and rules, the house style found from
    the working folder, ``false-alarms.yaml`` beside the glossary folder, the language
    detected per article, and the size and change limits of the environment (else built in).
    A language that is not a language code raises :class:`~copydesk.errors.InputError` when
    the spec is made.

    >>> spec = SettingsSpec(glossary_dir="g").with_absolute_paths()
    >>> spec.glossary_dir == str(Path("g").resolve()) and spec.rules_dir is None
    True
    """

    glossary_dir: str | None = None
    rules_dir: str | None = None
    style_file: str | None = None
    memory_file: str | None = None
    date: dt.date | None = None
    suggest_only: bool = False
    language: str | None = None
    max_size: float | None = None  # megabytes
    max_changes: int | None = None
    # The folder of source texts: SOURCE_DIR/NAME.txt is the source of article NAME.txt.
    source_dir: str | None = None
    source_language: str | None = None  # the sources' language (None: detected per source)

    def __post_init__(self) -> None:
        for code in (self.language, self.source_language):
            if code is not None:
                language_code(code)  # refused when made, before anything is read

    def with_absolute_paths(self) -> SettingsSpec:
        """The same spec with every path made absolute (for runs that start elsewhere)."""
        return replace(
            self,
            glossary_dir=_absolute(self.glossary_dir),
            rules_dir=_absolute(self.rules_dir),
            style_file=_absolute(self.style_file),
            memory_file=_absolute(self.memory_file),
            source_dir=_absolute(self.source_dir),
        )

    def glossary_path(self) -> Path:
        """The glossary folder: the given one, else the shipped one."""
        return Path(self.glossary_dir) if self.glossary_dir is not None else default_glossary_dir()

    def memory_path(self) -> Path:
        """The false-alarm memory: the given file, else ``false-alarms.yaml`` beside the
        glossary folder."""
        return (
            Path(self.memory_file)
            if self.memory_file
            else default_memory_path(self.glossary_path())
        )

    def load(self) -> Settings:
        """The loaded settings (see :func:`load_settings`)."""
        return load_settings(self)


def _absolute(path: str | None) -> str | None:
    return str(Path(path).resolve()) if path else path


@dataclass(frozen=True)
class Settings:
    """Everything besides the article that decides the output."""

    glossary: Glossary
    house_style: HouseStyle = field(default_factory=HouseStyle)
    rules_dir: Path | None = None
    suggest_only: bool = False
    date: dt.date | None = None
    memory: FalseAlarmMemory = field(default_factory=FalseAlarmMemory)
    # The ceiling on one article's changes (None: COPYDESK_MAX_CHANGES, else the default).
    # Not part of :meth:`key`: it decides whether an article is refused, never its output.
    max_changes: int | None = None
    # The article language when it is given (None: detected per article).
    language: str | None = None
    # The size limit for loading articles, in MB (None: COPYDESK_MAX_MB, else the default).
    # Not part of :meth:`key`, like ``max_changes``.
    max_mb: float | None = None
    # Where each article's source text is looked up (None: no source unless one is given)
    # and its language (None: detected). A source found is named in the result's signature.
    source_dir: Path | None = None
    source_language: str | None = None

    def rules(self, language: str) -> RuleSet:
        """The rule pack for ``language`` (empty when there is none)."""
        return _rules(language, self.rules_dir)

    def rules_root(self) -> Path:
        """The folder holding one rule folder per language."""
        return self.rules_dir or default_rules_directory("en").parent

    def signature(self, language: str | None = None) -> Signature:
        """The signature of a result in ``language``; with none, of a run in any language.

        A result's signature hashes the rule pack of its language. Without a language (the
        batch key) it hashes every rule file of every language instead, and names the
        given language, else any (``*``).
        """
        if language is None:
            rules = f"{ANY_LANGUAGE}@{_rule_files_hash(self.rules_root())}"
            lang = self.language or ANY_LANGUAGE
        else:
            rules = f"{language}@{self.rules(language).content_hash}"
            lang = language
        return Signature(
            glossary=self.glossary.content_hash,
            rules=rules,
            style=self.house_style.content_hash,
            lang=lang,
            mode="suggest" if self.suggest_only else "apply",
            date=self.date.isoformat() if self.date else None,
            memory=self.memory.content_hash,
            dictionary=dictionary_id(language),
        )

    def key(self) -> str:
        """Everything besides the article that decides the output, as one short string.

        The batch's record of how an article was cleaned: :meth:`signature` for any language.
        """
        return str(self.signature())


def _rule_files_hash(root: Path) -> str:
    """A short hash over the relative path and bytes of every rule file below ``root``."""
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.rglob("*.yaml")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(read_regular_file(path, "a rule file", RuleFileError) + b"\0")
    return digest.hexdigest()[:12]


# Loaded data, reused while its files are unchanged (a long-running scheduled process
# picks up a maintainer's edit on its next run).
_CACHE_SIZE = 16
_RULES: BoundedCache[tuple[str, Path, FileStamp], RuleSet] = BoundedCache(_CACHE_SIZE)
_GLOSSARIES: BoundedCache[tuple[Path, FileStamp], Glossary] = BoundedCache(_CACHE_SIZE)


def _rules(language: str, directory: Path | None) -> RuleSet:
    # ``directory`` is the rules root (like the shipped ``rules/``): one folder per language.
    # A checked code is letters only, so the folder is always a child of the root.
    language = language_code(language)
    folder = (directory / language) if directory else default_rules_directory(language)
    return _RULES.get(
        (language, folder.resolve(), file_stamp(folder)), lambda: load_rules(language, folder)
    )


def _glossary(directory: Path) -> Glossary:
    return _GLOSSARIES.get(
        (directory.resolve(), file_stamp(directory)), lambda: load_glossary(directory)
    )


def load_settings(spec: SettingsSpec) -> Settings:
    """Read the glossary, house style and false-alarm memory a spec names.

    A rules folder that is given must exist: running without any rule would pass every
    article silently. A house-style prefix that matches no rule id is an error.
    """
    glossary = _glossary(spec.glossary_path())
    if spec.rules_dir is not None and not Path(spec.rules_dir).is_dir():
        msg = f"{spec.rules_dir}: rules folder not found"
        raise RuleFileError(msg)
    settings = Settings(
        glossary=glossary,
        house_style=load_house_style(Path(spec.style_file) if spec.style_file else None),
        rules_dir=Path(spec.rules_dir) if spec.rules_dir else None,
        suggest_only=spec.suggest_only,
        date=spec.date,
        memory=load_memory(spec.memory_path()),
        max_changes=spec.max_changes,
        language=spec.language,
        max_mb=spec.max_size,
        source_dir=Path(spec.source_dir) if spec.source_dir else None,
        source_language=spec.source_language,
    )
    check_rule_prefixes(settings.house_style, settings.rules_dir, settings.rules)
    return settings


def default_settings(
    *,
    glossary_dir: str | os.PathLike[str] | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
    style_file: str | os.PathLike[str] | None = None,
    memory_file: str | os.PathLike[str] | None = None,
    suggest_only: bool = False,
    date: dt.date | None = None,
    max_changes: int | None = None,
    language: str | None = None,
    max_size: float | None = None,
) -> Settings:
    """Settings from the shipped (or given) glossary, rules, house style and memory.

    The false-alarm memory defaults to ``false-alarms.yaml`` beside the glossary folder.
    """
    spec = SettingsSpec(
        glossary_dir=_text(glossary_dir),
        rules_dir=_text(rules_dir),
        style_file=_text(style_file),
        memory_file=_text(memory_file),
        date=date,
        suggest_only=suggest_only,
        language=language,
        max_size=max_size,
        max_changes=max_changes,
    )
    return load_settings(spec)


def _text(path: str | os.PathLike[str] | None) -> str | None:
    return None if path is None else os.fspath(path)
