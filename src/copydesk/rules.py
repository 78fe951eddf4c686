"""Phrasing rules: the rule model, the YAML loader and the engine that runs a rule pack.

A rule pack is a folder of YAML files, ``rules/<language>/<family>.yaml``; each rule gets the
stable id ``<language>.<family>.<name>`` (see ``rules/README.md`` for the format). A rule
matches by a list of ``phrases``, a ``pattern`` (a regular expression in the syntax of the
``regex`` module, so ``\\p{Latin}`` works) or a named code ``check`` from
:mod:`copydesk.findings.checks`.

Contract:

- :func:`load_rules` validates every file completely or raises
  :class:`~copydesk.errors.RuleFileError` naming ``file:line:col`` and the bad key.
- :func:`find_issues` reports every enabled rule's matches as :class:`~copydesk.model.Finding`
  values sorted by ``(start, end, rule)``; it never changes the text.
- :func:`fix_text_and_explain` applies only rules that carry a ``fix`` (changes that are
  always right) and returns the fixed text with one applied :class:`~copydesk.model.Edit`
  per change; edits index the input, are sorted and never overlap, and replaying them on the
  input gives the output. Fixing fixed text gives no edit.

A match that overlaps a match of one of the rule's ``exceptions`` is dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex  # type: ignore[import-untyped]  # NOTE: the regex module ships no type stubs
import yaml

from copydesk.config import HouseStyle
from copydesk.errors import RuleFileError
from copydesk.findings.checks import CHECKS, CheckContext
from copydesk.model import SEVERITIES, Edit, Finding, Severity

__all__ = [
    "EXTENDS",
    "Rule",
    "RuleSet",
    "default_rules_directory",
    "find_issues",
    "fix_text_and_explain",
    "load_rules",
]

EXTENDS = ("phrase", "pattern", "check")
_NAME = re.compile(r"^[a-z0-9-]+$")
_FILE_KEYS = frozenset({"source", "defaults", "rules"})
_DEFAULT_KEYS = frozenset({"category", "severity", "default"})
_RULE_KEYS = frozenset(
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
        "fix",
        "default",
        "link",
        "examples",
    }
)
_EXAMPLE_KEYS = frozenset({"flag", "pass"})
_MATCHER_KEY = {"phrase": "phrases", "pattern": "pattern", "check": "check"}


def default_rules_directory(language: str) -> Path:
    """The rule pack shipped with copydesk for ``language`` (it may not exist)."""
    return Path(__file__).parent / "data" / "rules" / language


@dataclass(frozen=True)
class _Hit:
    """A match before it becomes a finding or an edit: span and template arguments."""

    start: int
    end: int
    args: tuple[str, ...]
    named: Mapping[str, str]


@dataclass(frozen=True)
class Rule:
    """One phrasing rule, as loaded from a rule file (see ``rules/README.md``)."""

    id: str
    extends: str
    message: str
    category: str
    severity: Severity
    suggestion: str | None
    fix: str | None
    default_on: bool
    examples_flag: tuple[str, ...]
    examples_pass: tuple[str, ...]
    file: str
    line: int
    phrases: tuple[str, ...] = ()
    pattern: str | None = None
    check: str | None = None
    exceptions: tuple[str, ...] = ()
    link: str | None = None
    source: str | None = None
    _regex: Any = field(default=None, repr=False, compare=False)
    _exception_regexes: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    @property
    def name(self) -> str:
        """The rule's name inside its file (the last part of the id)."""
        return self.id.rsplit(".", 1)[-1]

    def _raw_hits(self, text: str, context: CheckContext) -> Iterator[_Hit]:
        if self.check is not None:
            for hit in CHECKS[self.check](text, context):
                named = {"replacement": hit.replacement or ""}
                yield _Hit(hit.start, hit.end, (text[hit.start : hit.end],), named)
            return
        for match in self._regex.finditer(text):
            if match.end() > match.start():
                args = tuple(g or "" for g in match.groups())
                named = {k: v or "" for k, v in match.groupdict().items()}
                yield _Hit(match.start(), match.end(), (match.group(), *args), named)

    def hits(self, text: str, context: CheckContext | None = None) -> Iterator[_Hit]:
        """Matches of this rule in ``text``, minus those that overlap an exception."""
        excluded = [m.span() for p in self._exception_regexes for m in p.finditer(text)]
        for hit in self._raw_hits(text, context or CheckContext()):
            if not any(a < hit.end and hit.start < b for a, b in excluded):
                yield hit


@dataclass(frozen=True)
class RuleSet:
    """The rules of one language, in file then rule order, and a hash of their files."""

    language: str
    rules: tuple[Rule, ...]
    content_hash: str


# --- loading ----------------------------------------------------------------------------------


class _Where:
    """Builds RuleFileError messages pointing at a YAML node."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, node: yaml.Node | None, message: str) -> RuleFileError:
        if node is None:
            return RuleFileError(f"{self.path}: {message}")
        mark = node.start_mark
        return RuleFileError(f"{self.path}:{mark.line + 1}:{mark.column + 1}: {message}")


def _mapping(
    node: yaml.Node, where: _Where, what: str, allowed: frozenset[str]
) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping node's entries by key, rejecting duplicate and unknown keys."""
    if not isinstance(node, yaml.MappingNode):
        raise where.error(node, f"{what} must be a mapping")
    entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise where.error(key, f"{what}: keys must be plain words")
        if key.value in entries:
            raise where.error(key, f"{what}: duplicate key {key.value!r}")
        if key.value not in allowed:
            names = ", ".join(sorted(allowed))
            raise where.error(key, f"{what}: unknown key {key.value!r} (allowed: {names})")
        entries[key.value] = (key, value)
    return entries


class _Reader:
    """Typed access to node values, with errors that name the key and its line."""

    def __init__(self, loader: yaml.SafeLoader, where: _Where) -> None:
        self.loader = loader
        self.where = where

    def value(self, node: yaml.Node) -> Any:
        return self.loader.construct_object(node, deep=True)

    def text(self, node: yaml.Node, key: str) -> str:
        value = self.value(node)
        if not isinstance(value, str) or not value.strip():
            raise self.where.error(node, f"{key!r} must be a non-empty string")
        return value

    def optional_text(self, node: yaml.Node, key: str) -> str | None:
        return None if self.value(node) is None else self.text(node, key)

    def texts(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        value = self.value(node)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.where.error(node, f"{key!r} must be a list of non-empty strings")
        return tuple(value)

    def switch(self, node: yaml.Node, key: str) -> bool:
        value = self.value(node)
        if isinstance(value, str) and value.lower() in ("on", "off"):
            return value.lower() == "on"
        if not isinstance(value, bool):
            raise self.where.error(node, f"{key!r} must be on or off")
        return value

    def severity(self, node: yaml.Node, key: str) -> Severity:
        value = self.value(node)
        if value not in SEVERITIES:
            raise self.where.error(node, f"{key!r} must be one of {', '.join(SEVERITIES)}")
        return value  # type: ignore[no-any-return]

    def compile(self, node: yaml.Node, key: str, source: str, flags: int = 0) -> Any:
        try:
            return regex.compile(source, flags)
        except regex.error as exc:
            raise self.where.error(node, f"{key!r} is not a valid regular expression: {exc}") from exc


def _phrase_regex(phrases: tuple[str, ...]) -> str:
    """Whole-word, case-insensitive alternatives; any whitespace between the words."""
    bodies = sorted((r"\s+".join(regex.escape(w) for w in p.split()) for p in phrases), key=len)
    return r"(?<!\w)(?:" + "|".join(reversed(bodies)) + r")(?!\w)"


def _check_template(
    template: str, node: yaml.Node, key: str, compiled: Any, is_check: bool, where: _Where
) -> None:
    """Reject template fields that the rule's matches cannot fill."""
    groups = 0 if compiled is None else compiled.groups
    names = set() if compiled is None else set(compiled.groupindex)
    if is_check:
        names.add("replacement")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise where.error(node, f"{key!r}: bad template ({exc}); write {{{{ for a brace")
    for name in fields:
        if not (name in names or (name.isdigit() and int(name) <= groups)):
            wanted = ", ".join([f"{{{i}}}" for i in range(groups + 1)] + sorted(names))
            raise where.error(node, f"{key!r}: unknown field {{{name}}} (this rule has {wanted})")


def _load_rule(
    node: yaml.Node,
    reader: _Reader,
    defaults: dict[str, Any],
    prefix: str,
    path: Path,
    file_source: str,
) -> Rule:
    where = reader.where
    entries = _mapping(node, where, "rule", _RULE_KEYS)
    if "name" not in entries:
        raise where.error(node, "rule: missing key 'name'")
    name_node = entries["name"][1]
    name = reader.text(name_node, "name")
    if not _NAME.match(name):
        raise where.error(name_node, f"'name' {name!r} must match ^[a-z0-9-]+$")
    label = f"rule {name!r}"
    for required in ("extends", "message"):
        if required not in entries:
            raise where.error(node, f"{label}: missing key {required!r}")
    extends_node = entries["extends"][1]
    extends = reader.value(extends_node)
    if extends not in EXTENDS:
        raise where.error(extends_node, f"{label}: 'extends' must be one of {', '.join(EXTENDS)}")
    matcher_key = _MATCHER_KEY[extends]
    for other in set(_MATCHER_KEY.values()) - {matcher_key}:
        if other in entries:
            raise where.error(entries[other][0], f"{label}: {other!r} does not go with {extends}")
    if matcher_key not in entries:
        raise where.error(node, f"{label}: 'extends: {extends}' needs the key {matcher_key!r}")
    matcher_node = entries[matcher_key][1]

    phrases: tuple[str, ...] = ()
    pattern: str | None = None
    check: str | None = None
    compiled: Any = None
    if extends == "phrase":
        phrases = reader.texts(matcher_node, "phrases")
        compiled = reader.compile(matcher_node, "phrases", _phrase_regex(phrases), regex.IGNORECASE)
    elif extends == "pattern":
        pattern = reader.text(matcher_node, "pattern")
        compiled = reader.compile(matcher_node, "pattern", pattern)
    else:
        check = reader.text(matcher_node, "check")
        if check not in CHECKS:
            known = ", ".join(sorted(CHECKS))
            raise where.error(matcher_node, f"{label}: unknown check {check!r} (known: {known})")

    values: dict[str, Any] = dict(defaults)
    for key in ("category", "message", "suggestion", "fix", "link"):
        if key in entries:
            read = reader.text if key in ("category", "message") else reader.optional_text
            values[key] = read(entries[key][1], key)
    if "severity" in entries:
        values["severity"] = reader.severity(entries["severity"][1], "severity")
    if "default" in entries:
        values["default"] = reader.switch(entries["default"][1], "default")
    if "category" not in values:
        raise where.error(node, f"{label}: missing key 'category' (no file default either)")
    for key in ("suggestion", "fix"):
        if values.get(key) is not None:
            _check_template(
                values[key], entries[key][1], key, compiled, extends == "check", where
            )

    exceptions: tuple[str, ...] = ()
    exception_regexes: tuple[Any, ...] = ()
    if "exceptions" in entries:
        exceptions_node = entries["exceptions"][1]
        exceptions = reader.texts(exceptions_node, "exceptions")
        exception_regexes = tuple(
            reader.compile(exceptions_node, "exceptions", e) for e in exceptions
        )

    flag: tuple[str, ...] = ()
    passing: tuple[str, ...] = ()
    if "examples" in entries:
        examples = _mapping(entries["examples"][1], where, f"{label} examples", _EXAMPLE_KEYS)
        if "flag" in examples:
            flag = reader.texts(examples["flag"][1], "examples.flag")
        if "pass" in examples:
            passing = reader.texts(examples["pass"][1], "examples.pass")

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
        file=str(path),
        line=node.start_mark.line + 1,
        phrases=phrases,
        pattern=pattern,
        check=check,
        exceptions=exceptions,
        link=values.get("link"),
        source=file_source,
        _regex=compiled,
        _exception_regexes=exception_regexes,
    )


def _load_file(path: Path, data: bytes, language: str) -> list[Rule]:
    where = _Where(path)
    if not _NAME.match(path.stem):
        raise where.error(None, "a rule file's name must match ^[a-z0-9-]+$ plus .yaml")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise where.error(None, f"not UTF-8 (byte {exc.start})") from exc
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise where.error(None, "the file is empty; it needs source and rules")
        reader = _Reader(loader, where)
        entries = _mapping(root, where, "rule file", _FILE_KEYS)
        for required in ("source", "rules"):
            if required not in entries:
                raise where.error(root, f"rule file: missing key {required!r}")
        file_source = reader.text(entries["source"][1], "source")
        defaults: dict[str, Any] = {}
        if "defaults" in entries:
            for key, (_, value) in _mapping(
                entries["defaults"][1], where, "defaults", _DEFAULT_KEYS
            ).items():
                if key == "severity":
                    defaults[key] = reader.severity(value, key)
                elif key == "default":
                    defaults[key] = reader.switch(value, key)
                else:
                    defaults[key] = reader.text(value, key)
        rules_node = entries["rules"][1]
        if not isinstance(rules_node, yaml.SequenceNode):
            raise where.error(rules_node, "'rules' must be a list of rules")
        prefix = f"{language}.{path.stem}"
        rules = [
            _load_rule(n, reader, defaults, prefix, path, file_source) for n in rules_node.value
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        if mark is None:
            raise where.error(None, f"YAML syntax error: {problem}") from exc
        msg = f"{path}:{mark.line + 1}:{mark.column + 1}: YAML syntax error: {problem}"
        raise RuleFileError(msg) from exc
    except yaml.YAMLError as exc:
        raise where.error(None, f"YAML error: {exc}") from exc
    finally:
        loader.dispose()
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            msg = f"{path}:{rule.line}: duplicate rule name {rule.name!r} (first at line "
            msg += f"{seen[rule.id].line})"
            raise RuleFileError(msg)
        seen[rule.id] = rule
    return rules


def load_rules(language: str, directory: Path | None = None) -> RuleSet:
    """Load the rule pack for ``language`` from ``directory`` (default: the shipped pack).

    Files are read in name order; a language without a folder gives an empty rule set.
    ``content_hash`` is the first 12 hex digits of a SHA-256 over the files' names and bytes.

    >>> rules = load_rules("xx")
    >>> (rules.rules, len(rules.content_hash))
    ((), 12)
    """
    folder = default_rules_directory(language) if directory is None else directory
    digest = hashlib.sha256()
    rules: list[Rule] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            data = path.read_bytes()
            digest.update(path.name.encode("utf-8") + b"\0" + data + b"\0")
            rules.extend(_load_file(path, data, language))
    return RuleSet(language=language, rules=tuple(rules), content_hash=digest.hexdigest()[:12])


# --- running ----------------------------------------------------------------------------------


def _fill(template: str | None, hit: _Hit) -> str | None:
    return None if template is None else template.format(*hit.args, **hit.named)


def _active(ruleset: RuleSet, config: HouseStyle | None) -> Iterator[Rule]:
    style = config or HouseStyle()
    return (r for r in ruleset.rules if style.is_enabled(r.id, r.default_on))


def find_issues(
    text: str,
    ruleset: RuleSet,
    config: HouseStyle | None = None,
    *,
    date: dt.date | None = None,
) -> list[Finding]:
    """Report every match of the enabled rules, for an editor to decide.

    ``date`` is the article's date; rules about relative dates use it to name the day.

    >>> rules = load_rules("en")
    >>> [f.rule for f in find_issues("It is worth mentioning that talks resumed.", rules)]
    ['en.calques.worth-mentioning']
    """
    style = config or HouseStyle()
    context = CheckContext(date=date)
    findings = [
        Finding(
            start=hit.start,
            end=hit.end,
            text=text[hit.start : hit.end],
            rule=rule.id,
            category=rule.category,
            severity=style.severity_for(rule.id, rule.severity),  # type: ignore[arg-type]
            message=rule.message,
            suggestion=_fill(rule.suggestion, hit),
        )
        for rule in _active(ruleset, style)
        for hit in rule.hits(text, context)
    ]
    return sorted(findings, key=lambda f: (f.start, f.end, f.rule))


def fix_text_and_explain(
    text: str, ruleset: RuleSet, config: HouseStyle | None = None
) -> tuple[str, list[Edit]]:
    """Apply the enabled rules' safe fixes; return the fixed text and one Edit per change.

    Where two fixes overlap, the one that starts first wins (on a tie, the earlier rule).

    >>> fixed, edits = fix_text_and_explain("Talks in «Sochi»، then Ankara.", load_rules("en"))
    >>> fixed
    'Talks in “Sochi”, then Ankara.'
    >>> [e.rule for e in edits]
    ['en.script.guillemets', 'en.script.arabic-comma']
    """
    context = CheckContext()
    candidates: list[tuple[int, int, int, Edit]] = []
    for order, rule in enumerate(_active(ruleset, config)):
        if rule.fix is None:
            continue
        for hit in rule.hits(text, context):
            after = rule.fix.format(*hit.args, **hit.named)
            before = text[hit.start : hit.end]
            if after != before:
                edit = Edit(
                    start=hit.start,
                    end=hit.end,
                    before=before,
                    after=after,
                    rule=rule.id,
                    category=rule.category,
                    applied=True,
                    note=rule.message,
                    source=rule.source,
                )
                candidates.append((hit.start, order, hit.end, edit))
    edits: list[Edit] = []
    for start, _, end, edit in sorted(candidates, key=lambda c: (c[0], c[1])):
        if not edits or start >= edits[-1].end:
            edits.append(edit)
    pieces: list[str] = []
    position = 0
    for edit in edits:
        pieces += [text[position : edit.start], edit.after]
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces), edits
