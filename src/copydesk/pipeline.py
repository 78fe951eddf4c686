"""The whole pipeline: load -> language -> safe fixes and terms -> findings -> scores.

Contract: :func:`clean` is a pure function of its input and settings (the same input,
glossary, rules and house style give the same :class:`~copydesk.model.Result`), cleaning
its own output changes nothing, and a step that does not apply to the article's language
is skipped with a note in ``Result.notes``, never an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from copydesk.config import HouseStyle, load_house_style
from copydesk.edits import apply_edits, compose_edits
from copydesk.errors import InputError, RuleFileError
from copydesk.findings.checker import FindContext, collect
from copydesk.findings.registry import check_rule_prefixes, checkers
from copydesk.findings.spelling import SPELLING_LANGUAGES, glossary_lexicon
from copydesk.glossary import Glossary, default_glossary_dir, load_glossary
from copydesk.langid import (
    SAMPLE_CHARS,
    UNDETERMINED,
    detect_language,
    given_language,
    language_code,
)
from copydesk.limits import FindingCap, TooManyChanges, max_changes
from copydesk.load import Document, load_bytes, load_path, read_regular_file
from copydesk.memory import FalseAlarmMemory, default_memory_path, load_memory
from copydesk.model import Edit, Finding, Language, Result
from copydesk.normalize import normalize_terms_and_explain
from copydesk.rules import (
    RuleSet,
    default_rules_directory,
    fix_text_and_explain,
    load_rules,
)
from copydesk.scores.mqm import count_words, mqm_score
from copydesk.scores.reference import reference_scores
from copydesk.scores.ter import edit_rate
from copydesk.signature import Signature


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

    def rules(self, language: str) -> RuleSet:
        """The rule pack for ``language`` (empty when there is none)."""
        return _rules(language, self.rules_dir)

    def key(self) -> str:
        """Everything besides the article that decides the output, as one short string.

        Like a result's signature, but for any language: it hashes every rule file of
        every language, so a batch can tell whether an article cleaned earlier is still
        current before it knows the article's language.
        """
        root = self.rules_dir or default_rules_directory("en").parent
        digest = hashlib.sha256()
        if root.is_dir():
            for path in sorted(root.rglob("*.yaml")):
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(read_regular_file(path, "a rule file", RuleFileError) + b"\0")
        signature = Signature(
            glossary=self.glossary.content_hash,
            rules=f"*@{digest.hexdigest()[:12]}",
            style=_style_hash(self.house_style),
            lang="*",
            mode="suggest" if self.suggest_only else "apply",
            date=self.date.isoformat() if self.date else None,
            memory=self.memory.content_hash,
        )
        return str(signature)


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of each YAML file: changes when a file does."""
    if not folder.is_dir():
        return ()
    return tuple(
        (p.name, st.st_mtime_ns, st.st_size)
        for p in sorted(folder.glob("*.yaml"))
        for st in (p.stat(),)
    )


# Loaded data, reused while its files are unchanged (a long-running scheduled process
# picks up a maintainer's edit on its next run).
_CACHE_SIZE = 16
_RULES_CACHE: dict[tuple[Path, tuple[tuple[str, int, int], ...]], RuleSet] = {}
_GLOSSARY_CACHE: dict[tuple[Path, tuple[tuple[str, int, int], ...]], Glossary] = {}


def _rules(language: str, directory: Path | None) -> RuleSet:
    # ``directory`` is the rules root (like the shipped ``rules/``): one folder per language.
    # A checked code is letters only, so the folder is always a child of the root.
    language = language_code(language)
    folder = (directory / language) if directory else default_rules_directory(language)
    key = (folder.resolve(), _stamp(folder))
    if key not in _RULES_CACHE:
        if len(_RULES_CACHE) >= _CACHE_SIZE:
            _RULES_CACHE.clear()
        _RULES_CACHE[key] = load_rules(language, folder)
    return _RULES_CACHE[key]


def _glossary(directory: Path) -> Glossary:
    key = (directory.resolve(), _stamp(directory))
    if key not in _GLOSSARY_CACHE:
        if len(_GLOSSARY_CACHE) >= _CACHE_SIZE:
            _GLOSSARY_CACHE.clear()
        _GLOSSARY_CACHE[key] = load_glossary(directory)
    return _GLOSSARY_CACHE[key]


def default_settings(
    *,
    glossary_dir: str | os.PathLike[str] | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
    style_file: str | os.PathLike[str] | None = None,
    memory_file: str | os.PathLike[str] | None = None,
    suggest_only: bool = False,
    date: dt.date | None = None,
    max_changes: int | None = None,
) -> Settings:
    """Settings from the shipped (or given) glossary, rules, house style and memory.

    The false-alarm memory defaults to ``false-alarms.yaml`` beside the glossary folder.
    """
    folder = Path(glossary_dir) if glossary_dir is not None else default_glossary_dir()
    glossary = _glossary(folder)
    if rules_dir is not None and not Path(rules_dir).is_dir():
        # Like a missing glossary: running without any rule would pass every article silently.
        msg = f"{rules_dir}: rules folder not found"
        raise RuleFileError(msg)
    settings = Settings(
        glossary=glossary,
        house_style=load_house_style(Path(style_file) if style_file else None),
        rules_dir=Path(rules_dir) if rules_dir else None,
        suggest_only=suggest_only,
        date=date,
        memory=load_memory(Path(memory_file) if memory_file else default_memory_path(folder)),
        max_changes=max_changes,
    )
    check_rule_prefixes(settings.house_style, settings.rules_dir, settings.rules)
    return settings


def _fix_and_normalize(
    text: str, language: str, settings: Settings, notes: list[str]
) -> tuple[str, list[Edit]]:
    limit = max_changes(settings.max_changes)
    ruleset = settings.rules(language)
    if ruleset.rules:
        fixed, fix_edits = fix_text_and_explain(
            text, ruleset, settings.house_style, notes=notes, max_changes=limit
        )
    else:
        fixed, fix_edits = text, []
        notes.append(
            f"no rule pack for language '{language}': safe fixes and phrasing checks skipped"
        )
    if settings.suggest_only:
        fix_edits = [_suggested(e) for e in fix_edits]
        fixed = text
    if language in settings.glossary.languages():
        cleaned, term_edits = normalize_terms_and_explain(
            fixed,
            settings.glossary,
            language,
            suggest_only=settings.suggest_only,
            max_changes=limit,
        )
    else:
        cleaned, term_edits = fixed, []
        notes.append(f"no glossary forms for language '{language}': term normalisation skipped")
    edits = compose_edits(fix_edits, term_edits, text, fixed, max_changes=limit)
    return cleaned, edits


def _style_hash(style: HouseStyle) -> str:
    """A short hash of the house style's settings ("default" when nothing is set)."""
    if style == HouseStyle():
        return "default"
    return hashlib.sha256(repr(style).encode()).hexdigest()[:12]


def _suggested(edit: Edit) -> Edit:
    return replace(edit, applied=False)


def _find(
    cleaned: str,
    language: str,
    settings: Settings,
    notes: list[str],
    suggested: set[tuple[str, int, int]],
) -> list[Finding]:
    """Every registered checker's findings, graded, through one
    :class:`~copydesk.limits.FindingCap`."""
    # A safe fix that was only suggested is also found by its rule: report it once. This is
    # decided before the cap, so that it counts what is listed.
    cap = FindingCap(keep=lambda f: (f.rule, f.start, f.end) not in suggested)
    context = FindContext(
        language=language,
        ruleset=settings.rules(language),
        style=settings.house_style,
        date=settings.date,
        lexicon=(
            glossary_lexicon(settings.glossary, language)
            if language in SPELLING_LANGUAGES
            else None
        ),
        notes=notes,
    )
    collect(checkers(), cleaned, context, cap)
    notes.extend(cap.notes())
    return sorted(set(cap.findings()), key=lambda f: (f.start, f.end, f.rule))


def clean(
    source: str | bytes | Document,
    settings: Settings | None = None,
    *,
    language: str | None = None,
    reference: str | None = None,
    name: str | None = None,
) -> Result:
    """Clean one article and explain every change and doubt.

    ``source`` is text, raw bytes (decoded by :func:`~copydesk.load.load_bytes`) or a
    loaded :class:`~copydesk.load.Document`. ``language`` overrides detection.
    """
    settings = settings or default_settings()
    if isinstance(source, bytes):
        doc = load_bytes(source, name or "<bytes>")
    elif isinstance(source, str):
        doc = Document(text=source, encoding="utf-8", name=name or "<text>")
    else:
        doc = source
    text = doc.text
    lang = given_language(language) if language is not None else detect_language(text)
    notes: list[str] = []
    if lang.code == UNDETERMINED:
        notes.append("language could not be determined: language-specific steps skipped")
    try:
        return _clean(doc, settings, lang, language, reference, notes)
    except TooManyChanges as exc:
        msg = f"{doc.name}: {exc}"
        raise InputError(msg) from None


def _clean(
    doc: Document,
    settings: Settings,
    lang: Language,
    language: str | None,
    reference: str | None,
    notes: list[str],
) -> Result:
    """The stages after the language is decided (see :func:`clean`)."""
    text = doc.text
    cleaned, edits = _fix_and_normalize(text, lang.code, settings, notes)
    if not language and cleaned[:SAMPLE_CHARS] != text[:SAMPLE_CHARS]:
        # Cleaning must leave text that cleaning leaves alone: a short text of names can read
        # as German, then as English once a name takes its German house form, and cleaning it
        # again would change it back. Such an article is left as it is (its language can be
        # given). Detection reads only the opening.
        after = detect_language(cleaned).code
        if after != lang.code and any(
            e.applied for e in _fix_and_normalize(cleaned, after, settings, [])[1]
        ):
            notes = [
                f"language unclear (detected as '{lang.code}', as '{after}' once cleaned): "
                "language-specific steps skipped; give the language to clean it"
            ]
            lang = replace(lang, code=UNDETERMINED, probability=None)
            cleaned, edits = _fix_and_normalize(text, lang.code, settings, notes)
    if apply_edits(text, edits) != cleaned:  # the replay guarantee, checked on every run
        msg = "internal error: edits do not replay to the cleaned text"
        raise RuntimeError(msg)
    suggested = {(e.rule, e.start, e.end) for e in edits if not e.applied}
    findings = _find(cleaned, lang.code, settings, notes, suggested)
    findings, suppressed = settings.memory.split(cleaned, findings)
    words = count_words(cleaned)
    scores: dict[str, object] = {
        "words": words,
        "mqm": mqm_score(findings, words),
        "edit_rate": edit_rate(text, cleaned),
    }
    if reference is not None:
        scores["reference"] = reference_scores({"input": text, "cleaned": cleaned}, reference)
    signature = Signature(
        glossary=settings.glossary.content_hash,
        rules=f"{lang.code}@{settings.rules(lang.code).content_hash}",
        style=_style_hash(settings.house_style),
        lang=lang.code,
        mode="suggest" if settings.suggest_only else "apply",
        date=settings.date.isoformat() if settings.date else None,
        memory=settings.memory.content_hash,
    )
    return Result(
        input=text,
        cleaned=cleaned,
        edits=tuple(edits),
        findings=tuple(findings),
        language=lang,
        encoding=doc.encoding,
        signature=str(signature),
        scores=scores,
        notes=tuple(notes),
        source_name=doc.name,
        suppressed=tuple(suppressed),
    )


def clean_file(
    path: str | os.PathLike[str], settings: Settings | None = None, **kwargs: object
) -> Result:
    """Load an article file and :func:`clean` it."""
    return clean(load_path(path), settings, **kwargs)  # type: ignore[arg-type]
