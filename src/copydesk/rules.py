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

Every pattern has a time budget per article (:func:`rule_time_budget`: a base plus an allowance
per megabyte). A rule whose pattern or exceptions run over it is skipped for that article, and
a note in ``notes`` says so; one slow pattern never stops a batch. Code checks are not timed
here: the test suite holds them, like every pattern, to a budget on adversarial input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import string
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from copydesk._yaml import MappingReader, decode_utf8, load_yaml
from copydesk.config import HouseStyle
from copydesk.edits import apply_edits, compose_edits
from copydesk.errors import RuleFileError
from copydesk.findings.checks import CHECKS, CheckContext
from copydesk.limits import FindingCap, check_changes
from copydesk.limits import max_changes as limit_of_changes
from copydesk.load import read_regular_file
from copydesk.model import SEVERITIES, Edit, Finding, Severity
from copydesk.spans import SpanIndex

__all__ = [
    "EXTENDS",
    "Rule",
    "RuleSet",
    "add_issues",
    "default_rules_directory",
    "find_issues",
    "fix_text_and_explain",
    "load_rules",
    "rule_time_budget",
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

# A rule's time budget on one article. On 1 MB of news text the slowest shipped pattern takes
# 0.15 s (most take a few milliseconds): the allowance per megabyte is over 30 times that.
RULE_TIME_BASE = 2.0
RULE_TIME_PER_MB = 5.0


def rule_time_budget(length: int) -> float:
    """Seconds one rule may spend on a text of ``length`` characters.

    >>> rule_time_budget(0), rule_time_budget(2_000_000)
    (2.0, 12.0)
    """
    return RULE_TIME_BASE + RULE_TIME_PER_MB * length / 1_000_000


def _over_budget_note(rule_id: str) -> str:
    return f"rule {rule_id} skipped: over its time budget on this article"


def _remaining(deadline: float) -> float | None:
    """Seconds left until ``deadline`` for a ``timeout=`` argument (None: no limit)."""
    return None if deadline == float("inf") else max(deadline - time.monotonic(), 0.0)


def default_rules_directory(language: str) -> Path:
    """The rule pack shipped with copydesk for ``language`` (it may not exist).

    ``language`` must be a language code (:func:`~copydesk.langid.language_code`), so the
    folder is always inside the shipped rules.
    """
    from copydesk.langid import language_code

    return Path(__file__).parent / "data" / "rules" / language_code(language)


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

    def _raw_hits(self, text: str, context: CheckContext, deadline: float) -> Iterator[_Hit]:
        if self.check is not None:
            for hit in CHECKS[self.check](text, context):
                named = {"replacement": hit.replacement or ""}
                yield _Hit(hit.start, hit.end, (text[hit.start : hit.end],), named)
            return
        for match in self._regex.finditer(text, timeout=_remaining(deadline)):
            if match.end() > match.start():
                args = tuple(g or "" for g in match.groups())
                named = {k: v or "" for k, v in match.groupdict().items()}
                yield _Hit(match.start(), match.end(), (match.group(), *args), named)

    def iter_hits(
        self, text: str, context: CheckContext | None = None, *, timeout: float | None = None
    ) -> Iterator[_Hit]:
        """Matches of this rule in ``text``, minus those that overlap an exception, one at a
        time (none is held).

        With ``timeout`` (seconds for the pattern and its exceptions together), raises
        :class:`TimeoutError` when they take longer.
        """
        deadline = float("inf") if timeout is None else time.monotonic() + timeout
        excluded = SpanIndex(
            m.span()
            for p in self._exception_regexes
            for m in p.finditer(text, timeout=_remaining(deadline))
        )
        for hit in self._raw_hits(text, context or CheckContext(), deadline):
            if not excluded.overlaps(hit.start, hit.end):
                yield hit

    def hits(
        self, text: str, context: CheckContext | None = None, *, timeout: float | None = None
    ) -> list[_Hit]:
        """Every match of :meth:`iter_hits`, as a list."""
        return list(self.iter_hits(text, context, timeout=timeout))


@dataclass(frozen=True)
class RuleSet:
    """The rules of one language, in file then rule order, and a hash of their files."""

    language: str
    rules: tuple[Rule, ...]
    content_hash: str


# --- loading ----------------------------------------------------------------------------------


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


def _phrase_regex(phrases: tuple[str, ...]) -> str:
    """Whole-word, case-insensitive alternatives; any whitespace between the words."""
    bodies = sorted((r"\s+".join(regex.escape(w) for w in p.split()) for p in phrases), key=len)
    return r"(?<!\w)(?:" + "|".join(reversed(bodies)) + r")(?!\w)"


def _check_template(
    template: str, key: str, compiled: Any, is_check: bool, reader: MappingReader
) -> None:
    """Reject template fields that the rule's matches cannot fill."""
    groups = 0 if compiled is None else compiled.groups
    names = set() if compiled is None else set(compiled.groupindex)
    if is_check:
        names.add("replacement")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise reader.fail(key, f"is a bad template ({exc}); write {{{{ for a brace") from exc
    for name in fields:
        if not (name in names or (name.isdigit() and int(name) <= groups)):
            wanted = ", ".join([f"{{{i}}}" for i in range(groups + 1)] + sorted(names))
            raise reader.fail(key, f"has the unknown field {{{name}}} (this rule has {wanted})")


def _matcher(
    reader: MappingReader, extends: str
) -> tuple[tuple[str, ...], str | None, str | None, Any]:
    """The rule's phrases, pattern or check, and the compiled regex of the first two."""
    key = _MATCHER_KEY[extends]
    for other in set(_MATCHER_KEY.values()) - {key}:
        if other in reader.data:
            raise reader.fail(other, f"does not go with 'extends: {extends}'")
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


def _examples(reader: MappingReader) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if "examples" not in reader.data:
        return (), ()
    what = f"{reader.what} examples"
    examples = reader.child("examples", what, _EXAMPLE_KEYS)
    flag = examples.texts("flag") if "flag" in examples.data else ()
    passing = examples.texts("pass") if "pass" in examples.data else ()
    return flag, passing


def _load_rule(
    item: Any, at: tuple[int, int], path: Path, defaults: dict[str, Any], prefix: str, source: str
) -> Rule:
    named = isinstance(item, dict) and isinstance(item.get("name"), str)
    reader = _reader(path, item, f"rule {item['name']!r}" if named else "rule", _RULE_KEYS, at)
    reader.require("name")
    name = reader.text("name")
    if not _NAME.match(name):
        msg = "must match ^[a-z0-9-]+$"
        raise reader.fail(key="name", problem=msg)
    reader.what = f"rule {name!r}"
    reader.require("extends", "message")
    extends = reader.data["extends"]
    if extends not in EXTENDS:
        msg = f"must be one of {', '.join(EXTENDS)}"
        raise reader.fail(key="extends", problem=msg)
    phrases, pattern, check, compiled = _matcher(reader, extends)

    values: dict[str, Any] = dict(defaults)
    for key in ("category", "message"):
        if key in reader.data:
            values[key] = reader.text(key)
    for key in ("suggestion", "link"):
        if key in reader.data:
            values[key] = reader.optional_text(key)
    if reader.data.get("fix") is not None:
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
    for key in ("suggestion", "fix"):
        if values.get(key) is not None:
            _check_template(values[key], key, compiled, extends == "check", reader)
    exceptions = reader.texts("exceptions") if "exceptions" in reader.data else ()
    flag, passing = _examples(reader)

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
        line=reader.data.line,
        phrases=phrases,
        pattern=pattern,
        check=check,
        exceptions=exceptions,
        link=values.get("link"),
        source=source,
        _regex=compiled,
        _exception_regexes=tuple(_compile(reader, "exceptions", e) for e in exceptions),
    )


def _load_file(path: Path, data: bytes, language: str) -> list[Rule]:
    if not _NAME.match(path.stem):
        msg = f"{path}: a rule file's name must match ^[a-z0-9-]+$ and end in .yaml"
        raise RuleFileError(msg)
    text = decode_utf8(path, data, RuleFileError)
    document = load_yaml(path, text, RuleFileError)
    if document is None:
        msg = f"{path}:1: the file is empty; it needs 'source' and 'rules'"
        raise RuleFileError(msg)
    top = _reader(path, document, "rule file", _FILE_KEYS, (1, 1))
    top.require("source", "rules")
    source = top.text("source")
    defaults: dict[str, Any] = {}
    if "defaults" in top.data:
        given = top.child("defaults", "defaults", _DEFAULT_KEYS)
        for key in given.data:
            if key == "severity":
                defaults[key] = _severity(given, key)
            else:
                defaults[key] = given.switch(key) if key == "default" else given.text(key)
    prefix = f"{language}.{path.stem}"
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for item, at in top.items("rules"):
        rule = _load_rule(item, at, path, defaults, prefix, source)
        if rule.id in seen:
            where = item.position_of("name")
            first = seen[rule.id]
            msg = f"{path}:{where[0]}:{where[1]}: rule {rule.name!r}: 'name' is a duplicate"
            msg += f" (first at line {first})"
            raise RuleFileError(msg)
        seen[rule.id] = rule.line
        rules.append(rule)
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
            data = read_regular_file(path, "a rule file", RuleFileError)
            digest.update(path.name.encode("utf-8") + b"\0" + data + b"\0")
            rules.extend(_load_file(path, data, language))
    return RuleSet(language=language, rules=tuple(rules), content_hash=digest.hexdigest()[:12])


# --- running ----------------------------------------------------------------------------------


def _fill(template: str | None, hit: _Hit) -> str | None:
    return None if template is None else template.format(*hit.args, **hit.named)


def _active(ruleset: RuleSet, config: HouseStyle | None) -> Iterator[Rule]:
    style = config or HouseStyle()
    return (r for r in ruleset.rules if style.is_enabled(r.id, r.default_on))


def _skip_over_budget(rule: Rule, notes: list[str] | None) -> None:
    note = _over_budget_note(rule.id)
    if notes is not None and note not in notes:
        notes.append(note)


def _rule_findings(
    rule: Rule, text: str, style: HouseStyle, context: CheckContext
) -> Iterator[Finding]:
    severity = style.severity_for(rule.id, rule.severity)
    for hit in rule.iter_hits(text, context, timeout=rule_time_budget(len(text))):
        yield Finding(
            start=hit.start,
            end=hit.end,
            text=text[hit.start : hit.end],
            rule=rule.id,
            category=rule.category,
            severity=severity,  # type: ignore[arg-type]
            message=rule.message,
            suggestion=_fill(rule.suggestion, hit),
        )


def add_issues(
    cap: FindingCap,
    text: str,
    ruleset: RuleSet,
    config: HouseStyle | None = None,
    *,
    date: dt.date | None = None,
    notes: list[str] | None = None,
) -> None:
    """Hand every match of the enabled rules to ``cap`` as it is found (none is held here).

    A rule over its time budget is skipped (its findings so far are dropped from ``cap``),
    with a note appended to ``notes``.
    """
    style = config or HouseStyle()
    context = CheckContext(date=date)
    for rule in _active(ruleset, style):
        try:
            cap.add_all(_rule_findings(rule, text, style, context))
        except TimeoutError:
            cap.drop(rule.id)
            _skip_over_budget(rule, notes)


def find_issues(
    text: str,
    ruleset: RuleSet,
    config: HouseStyle | None = None,
    *,
    date: dt.date | None = None,
    notes: list[str] | None = None,
) -> list[Finding]:
    """Report every match of the enabled rules, for an editor to decide.

    ``date`` is the article's date; rules about relative dates use it to name the day.
    A rule over its time budget is skipped, with a note appended to ``notes``. Every match
    is listed; :func:`add_issues` keeps only what a :class:`~copydesk.limits.FindingCap`
    allows.

    >>> rules = load_rules("en")
    >>> [f.rule for f in find_issues("It is worth mentioning that talks resumed.", rules)]
    ['en.calques.worth-mentioning']
    """
    cap = FindingCap(limit=sys.maxsize)
    add_issues(cap, text, ruleset, config, date=date, notes=notes)
    return cap.findings()


def _fix_once(text: str, rules: list[Rule], notes: list[str] | None, limit: int) -> list[Edit]:
    """One pass of fixes: where two overlap, the one that starts first (or, on a tie, comes
    first in the pack) wins. A rule over its time budget is dropped from ``rules``. More than
    ``limit`` changes refuse the article (:func:`~copydesk.limits.check_changes`)."""
    context = CheckContext()
    candidates: list[tuple[int, int, Edit]] = []
    for order, rule in enumerate(list(rules)):
        found: list[tuple[int, int, Edit]] = []
        try:
            for hit in rule.iter_hits(text, context, timeout=rule_time_budget(len(text))):
                after = _fill(rule.fix, hit)
                before = text[hit.start : hit.end]
                if after is None or after == before:
                    continue
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
                found.append((hit.start, order, edit))
                check_changes(len(candidates) + len(found), limit)
        except TimeoutError:
            rules.remove(rule)
            _skip_over_budget(rule, notes)
            continue
        candidates += found
    edits: list[Edit] = []
    for start, _, edit in sorted(candidates, key=lambda c: (c[0], c[1])):
        if not edits or start >= edits[-1].end:
            edits.append(edit)
    return edits


# Every fix removes a character that no fix produces, so passes end; this bounds pathological
# input (each extra pass only happens when one fix changed another's context).
MAX_FIX_PASSES = 8


def fix_text_and_explain(
    text: str,
    ruleset: RuleSet,
    config: HouseStyle | None = None,
    *,
    notes: list[str] | None = None,
    max_changes: int | None = None,
) -> tuple[str, list[Edit]]:
    """Apply the enabled rules' safe fixes; return the fixed text and one Edit per change.

    Fixes run again on their own output until nothing changes (a removed mark can reveal a
    digit run that was next to it), and the passes' edits are composed into edits on ``text``;
    an edit made of two passes touching each other names both rules (``"a + b"``).
    A rule over its time budget makes no further change, with a note appended to ``notes``.
    More than ``max_changes`` changes (default: :func:`~copydesk.limits.max_changes`) raise
    :class:`~copydesk.limits.TooManyChanges` while they are found.

    >>> fixed, edits = fix_text_and_explain("Talks in «Sochi»، then Ankara.", load_rules("en"))
    >>> fixed
    'Talks in “Sochi”, then Ankara.'
    >>> [e.rule for e in edits]
    ['en.script.guillemets', 'en.script.guillemets', 'en.script.arabic-comma']
    """
    limit = limit_of_changes(max_changes)
    rules = [rule for rule in _active(ruleset, config) if rule.fix is not None]
    current = text
    edits: list[Edit] = []
    for _ in range(MAX_FIX_PASSES):
        new = _fix_once(current, rules, notes, limit)
        if not new:
            break
        fixed = apply_edits(current, new)
        edits = compose_edits(edits, new, text, current, max_changes=limit) if edits else new
        current = fixed
    return current, edits
