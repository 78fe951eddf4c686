"""The rule loader: rule files (YAML) to :class:`~copydesk.rules.model.Rule` values.

A rule pack is a folder of YAML files, ``rules/<language>/<family>.yaml``; each rule gets the
stable id ``<language>.<family>.<name>`` (see ``rules/README.md`` for the format). A code
checker ships its own rule file beside its code (``findings/spelling.yaml``); its rules get the
id ``<checker>.<name>`` and ``extends: checker``.

Contract: :func:`load_rules` and :func:`load_rule_file` validate every file completely or raise
:class:`~copydesk.errors.RuleFileError` naming ``file:line:col`` and the bad key; every value
is read through :class:`~copydesk._yaml.MappingReader`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import regex

from copydesk._yaml import MappingReader, decode_utf8, load_yaml
from copydesk.disk_cache import cached
from copydesk.errors import InputError, RuleFileError
from copydesk.load import read_regular_file
from copydesk.model import SEVERITIES, Severity
from copydesk.rules.checks import CHECKS
from copydesk.rules.model import (
    CHECKER,
    PACK_EXTENDS,
    Rule,
    RuleSet,
    SourcedExample,
    template_fields,
)

__all__ = [
    "DEFAULT_KEYS",
    "EXAMPLE_KEYS",
    "FILE_KEYS",
    "RULE_KEYS",
    "SOURCED_EXAMPLE_KEYS",
    "default_rules_directory",
    "load_rule_file",
    "load_rules",
    "shipped_rules_root",
]

_NAME = re.compile(r"^[a-z0-9-]+$")
#: The keys a rule file may have at its top, in ``defaults``, in a rule and in its examples.
FILE_KEYS = frozenset({"source", "defaults", "rules"})
DEFAULT_KEYS = frozenset({"category", "severity", "default"})
RULE_KEYS = frozenset(
    {
        "name",
        "extends",
        "phrases",
        "pattern",
        "check",
        "exceptions",
        "message",
        "category",
        "severity",
        "suggestion",
        "replacement",
        "fix",
        "default",
        "link",
        "budget",
        "examples",
    }
)
EXAMPLE_KEYS = frozenset({"flag", "pass", "lang"})
#: The keys of a code checker's example written with its source.
SOURCED_EXAMPLE_KEYS = frozenset({"text", "source", "lang", "source_lang"})
_MATCHER_KEY = {"phrase": "phrases", "pattern": "pattern", "check": "check", CHECKER: None}
# The fields a check fills for the templates of its rule.
_CHECK_FIELDS = frozenset({"replacement", "advice"})


def shipped_rules_root() -> Path:
    """The folder of the rule packs shipped with copydesk, one folder per language."""
    return Path(__file__).parent.parent / "data" / "rules"


def default_rules_directory(language: str) -> Path:
    """The rule pack shipped with copydesk for ``language`` (it may not exist).

    ``language`` must be a language code (:func:`~copydesk.langid.language_code`), so the
    folder is always inside the shipped rules.
    """
    from copydesk.langid import language_code

    return shipped_rules_root() / language_code(language)


def _reader(
    path: Path, data: Any, what: str, allowed: frozenset[str], at: tuple[int, int]
) -> MappingReader:
    return MappingReader(path, data, what, allowed, RuleFileError, at)


def _severity(reader: MappingReader, key: str) -> Severity:
    return reader.choice(key, SEVERITIES)  # type: ignore[return-value]


def _compile(reader: MappingReader, key: str, source: str, flags: int = 0) -> Any:
    try:
        return regex.compile(source, flags)
    except regex.error as exc:
        raise reader.fail(key, f"is not a valid regular expression: {exc}") from exc


def _budget(reader: MappingReader, extends: str) -> float:
    """A rule's own time budget: milliseconds per megabyte of real text, above zero."""
    if extends == CHECKER:
        raise reader.fail(key="budget", problem="does not go with 'extends: checker'")
    value = reader.data["budget"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise reader.fail(key="budget", problem="must be a number of milliseconds above 0")
    return float(value)


def _phrase_regex(phrases: tuple[str, ...]) -> str:
    """Whole-word, case-insensitive alternatives; any whitespace between the words."""
    bodies = sorted((r"\s+".join(regex.escape(w) for w in p.split()) for p in phrases), key=len)
    return r"(?<!\w)(?:" + "|".join(reversed(bodies)) + r")(?!\w)"


def _check_template(
    template: str, key: str, compiled: Any, names: Collection[str], reader: MappingReader
) -> None:
    """Reject template fields that the rule's matches cannot fill."""
    groups = 0 if compiled is None else compiled.groups
    known = set(names) | (set() if compiled is None else set(compiled.groupindex))
    positional = compiled is not None or bool(_CHECK_FIELDS.intersection(names))
    try:
        fields = template_fields(template)
    except ValueError as exc:
        raise reader.fail(key, f"is a bad template ({exc}); write {{{{ for a brace") from exc
    for name in fields:
        if not (name in known or (positional and name.isdigit() and int(name) <= groups)):
            numbered = [f"{{{i}}}" for i in range(groups + 1)] if positional else []
            wanted = ", ".join(numbered + [f"{{{n}}}" for n in sorted(known)]) or "no fields"
            raise reader.fail(key, f"has the unknown field {{{name}}} (this rule has {wanted})")


def _matcher(
    reader: MappingReader, extends: str
) -> tuple[tuple[str, ...], str | None, str | None, Any]:
    """The rule's phrases, pattern or check, and the compiled regex of the first two."""
    key = _MATCHER_KEY[extends]
    for other in {k for k in _MATCHER_KEY.values() if k is not None} - {key}:
        if other in reader.data:
            raise reader.fail(other, f"does not go with 'extends: {extends}'")
    if key is None:
        return (), None, None, None
    if key not in reader.data:
        raise reader.error(reader.position, f"{reader.what}: 'extends: {extends}' needs {key!r}")
    if extends == "phrase":
        phrases = reader.texts(key)
        return phrases, None, None, _compile(reader, key, _phrase_regex(phrases), regex.IGNORECASE)
    if extends == "pattern":
        pattern = reader.text(key)
        return (), pattern, None, _compile(reader, key, pattern)
    check = reader.text(key)
    if check not in CHECKS:
        raise reader.fail(key, f"names no known check (known: {', '.join(sorted(CHECKS))})")
    return (), None, check, None


def _language(reader: MappingReader, key: str) -> str:
    from copydesk.langid import language_code

    try:
        return language_code(reader.text(key))
    except InputError as exc:
        raise reader.fail(key=key, problem=str(exc)) from None


def _example_texts(
    examples: MappingReader, key: str, checker: bool, sourced: list[SourcedExample]
) -> tuple[str, ...]:
    """The examples under ``key``: strings, or (a code checker's) mappings with a source."""
    if not checker or all(isinstance(v, str) for v in examples.data[key] or ()):
        return examples.texts(key)
    texts = []
    for value, at in examples.items(key):
        if isinstance(value, str):
            texts.append(examples.item_text(key, value, at))
            continue
        what = f"{examples.what} {key!r} item"
        item = examples.nested(key, value, at, what, SOURCED_EXAMPLE_KEYS)
        item.require("text", "source")
        languages = [
            _language(item, k) if k in item.data else None for k in ("lang", "source_lang")
        ]
        sourced.append(SourcedExample(key, item.text("text"), item.text("source"), *languages))
        texts.append(item.text("text"))
    return tuple(texts)


def _examples(
    reader: MappingReader, checker: bool
) -> tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[SourcedExample, ...]]:
    """The flag and pass examples, the language a code checker's examples are in, and the
    examples written with a source."""
    if "examples" not in reader.data:
        return (), (), None, ()
    what = f"{reader.what} examples"
    examples = reader.child("examples", what, EXAMPLE_KEYS if checker else EXAMPLE_KEYS - {"lang"})
    sourced: list[SourcedExample] = []
    flag = _example_texts(examples, "flag", checker, sourced) if "flag" in examples.data else ()
    passing = _example_texts(examples, "pass", checker, sourced) if "pass" in examples.data else ()
    language = _language(examples, "lang") if "lang" in examples.data else None
    return flag, passing, language, tuple(sourced)


def _load_rule(
    item: Any,
    at: tuple[int, int],
    path: Path,
    defaults: dict[str, Any],
    prefix: str,
    source: str,
    fields: Collection[str] | None,
) -> Rule:
    named = isinstance(item, dict) and isinstance(item.get("name"), str)
    reader = _reader(path, item, f"rule {item['name']!r}" if named else "rule", RULE_KEYS, at)
    reader.require("name")
    name = reader.text("name")
    if not _NAME.match(name):
        msg = "must match ^[a-z0-9-]+$"
        raise reader.fail(key="name", problem=msg)
    reader.what = f"rule {name!r}"
    reader.require("extends", "message")
    extends = reader.data["extends"]
    allowed = PACK_EXTENDS if fields is None else (CHECKER,)
    if extends not in allowed:
        msg = f"must be one of {', '.join(allowed)}"
        raise reader.fail(key="extends", problem=msg)
    phrases, pattern, check, compiled = _matcher(reader, extends)

    values: dict[str, Any] = dict(defaults)
    for key in ("category", "message"):
        if key in reader.data:
            values[key] = reader.text(key)
    for key in ("suggestion", "replacement", "link"):
        if key in reader.data:
            values[key] = reader.optional_text(key)
    if reader.data.get("fix") is not None:
        if extends == CHECKER:
            raise reader.fail(key="fix", problem="does not go with 'extends: checker'")
        # An empty fix is allowed: it deletes the match.
        if not isinstance(reader.data["fix"], str):
            msg = "must be a replacement template (a string)"
            raise reader.fail(key="fix", problem=msg)
        values["fix"] = reader.data["fix"]
    if "severity" in reader.data:
        values["severity"] = _severity(reader, "severity")
    if "default" in reader.data:
        values["default"] = reader.switch("default")
    if "category" not in values:
        reader.require("category")
    names = _CHECK_FIELDS if extends == "check" else frozenset(fields or ())
    templates = ["suggestion", "replacement", "fix"] + (["message"] if fields is not None else [])
    for key in templates:
        if values.get(key) is not None:
            _check_template(values[key], key, compiled, names, reader)
    exceptions = reader.texts("exceptions") if "exceptions" in reader.data else ()
    budget = _budget(reader, extends) if "budget" in reader.data else None
    flag, passing, examples_language, sourced = _examples(reader, extends == CHECKER)

    return Rule(
        id=f"{prefix}.{name}",
        extends=extends,
        message=values["message"],
        category=values["category"],
        severity=values.get("severity", "minor"),
        suggestion=values.get("suggestion"),
        fix=values.get("fix"),
        default_on=values.get("default", True),
        examples_flag=flag,
        examples_pass=passing,
        examples_language=examples_language,
        sourced_examples=sourced,
        file=str(path),
        line=reader.data.line,
        phrases=phrases,
        pattern=pattern,
        check=check,
        exceptions=exceptions,
        link=values.get("link"),
        source=source,
        replacement=values.get("replacement"),
        budget=budget,
        _regex=compiled,
        _exception_regexes=tuple(_compile(reader, "exceptions", e) for e in exceptions),
    )


def _load_file(
    path: Path, data: bytes, prefix: str, fields: Collection[str] | None = None
) -> list[Rule]:
    if not _NAME.match(path.stem):
        msg = f"{path}: a rule file's name must match ^[a-z0-9-]+$ and end in .yaml"
        raise RuleFileError(msg)
    text = decode_utf8(path, data, RuleFileError)
    document = load_yaml(path, text, RuleFileError)
    if document is None:
        msg = f"{path}:1: the file is empty; it needs 'source' and 'rules'"
        raise RuleFileError(msg)
    top = _reader(path, document, "rule file", FILE_KEYS, (1, 1))
    top.require("source", "rules")
    source = top.text("source")
    defaults: dict[str, Any] = {}
    if "defaults" in top.data:
        given = top.child("defaults", "defaults", DEFAULT_KEYS)
        for key in given.data:
            if key == "severity":
                defaults[key] = _severity(given, key)
            else:
                defaults[key] = given.switch(key) if key == "default" else given.text(key)
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for item, at in top.items("rules"):
        rule = _load_rule(item, at, path, defaults, prefix, source, fields)
        if rule.id in seen:
            where = item.position_of("name")
            first = seen[rule.id]
            msg = f"{path}:{where[0]}:{where[1]}: rule {rule.name!r}: 'name' is a duplicate"
            msg += f" (first at line {first})"
            raise RuleFileError(msg)
        seen[rule.id] = rule.line
        rules.append(rule)
    return rules


def load_rule_file(path: Path, fields: Collection[str]) -> tuple[Rule, ...]:
    """The rules a code checker ships in ``path``: ids ``<file name>.<rule name>``.

    Every rule ``extends: checker``; its ``message``, ``suggestion`` and ``replacement`` are
    templates of ``fields``, the values the checker computes for each finding.
    """
    data = read_regular_file(path, "a rule file", RuleFileError)
    content = ("\0".join(sorted(fields)).encode(), data)
    return cached(
        "rule-file",
        str(path),
        content,
        tuple,
        lambda: tuple(_load_file(path, data, path.stem, fields)),
    )


def load_rules(language: str, directory: Path | None = None) -> RuleSet:
    """Load the rule pack for ``language`` from ``directory`` (default: the shipped pack).

    Files are read in name order; a language without a folder gives an empty rule set. A
    pack that loaded before from the same files' bytes is read back from the disk cache
    (:mod:`copydesk.disk_cache`).
    ``content_hash`` is the first 12 hex digits of a SHA-256 over the files' names and bytes.

    >>> rules = load_rules("xx")
    >>> (rules.rules, len(rules.content_hash))
    ((), 12)
    """
    folder = default_rules_directory(language) if directory is None else directory
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    try:
        content = [
            path.name.encode() + b"\0" + read_regular_file(path, "a rule file", RuleFileError)
            for path in files
        ]
    except RuleFileError:
        # An unreadable file: the loader reports it, in its own order among the errors.
        return _load_pack(language, files)
    return cached(
        "rules", f"{language}\0{folder}", content, RuleSet, lambda: _load_pack(language, files)
    )


def _load_pack(language: str, files: list[Path]) -> RuleSet:
    digest = hashlib.sha256()
    rules: list[Rule] = []
    for path in files:
        data = read_regular_file(path, "a rule file", RuleFileError)
        digest.update(path.name.encode("utf-8") + b"\0" + data + b"\0")
        rules.extend(_load_file(path, data, f"{language}.{path.stem}"))
    return RuleSet(language=language, rules=tuple(rules), content_hash=digest.hexdigest()[:12])
