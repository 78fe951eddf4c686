"""The checker registry, the grading step and the house-style prefix check.

Every checker's findings go through one grading step: a house style's ``disable``, ``enable``
(with each rule's ``default``) and ``[rules.severity]`` apply to spelling and untranslated
findings as they do to phrasing rules. A prefix that matches no rule is a ConfigError.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from copydesk.config import HouseStyle
from copydesk.errors import ConfigError
from copydesk.findings import registry
from copydesk.findings.checker import FindContext, RuleFileChecker, collect
from copydesk.findings.registry import check_rule_prefixes, checkers, known_rule_ids
from copydesk.findings.spelling import SpellingChecker
from copydesk.limits import FindingCap
from copydesk.model import Finding
from copydesk.pipeline import Settings, clean, default_settings
from copydesk.rules import Match, Rule, RuleSet, load_rules, shipped_rules_root

from .conftest import FIXTURES

GLOSSARY = FIXTURES / "glossary"
# One misspelling, one paragraph left in French, one run of Cyrillic.
ARTICLE = (
    "Officials said the goverment would respond to the proposal within days.\n"
    "Le ministre des affaires étrangères a déclaré que les négociations reprendraient "
    "la semaine prochaine à Genève.\n"
    "Lavrov added: Сотрудничество между нашими странами продолжается.\n"
)
RULES = ("spelling.unknown-word", "untranslated.paragraph", "untranslated.script")


def _settings(**style: object) -> Settings:
    settings = default_settings(glossary_dir=GLOSSARY)
    return Settings(settings.glossary, HouseStyle(**style))  # type: ignore[arg-type]


def _severities(settings: Settings) -> dict[str, str]:
    result = clean(ARTICLE, settings, language="en")
    return {f.rule: f.severity for f in result.findings}


def test_the_article_has_a_finding_of_each_rule_at_its_own_severity() -> None:
    assert _severities(_settings()) == {
        "spelling.unknown-word": "minor",
        "untranslated.paragraph": "major",
        "untranslated.script": "major",
    }


@pytest.mark.parametrize("prefix", ["spelling", "untranslated", *RULES])
def test_a_severity_override_grades_spelling_and_untranslated_findings(prefix: str) -> None:
    graded = _severities(_settings(severity={prefix: "critical"}))
    for rule in RULES:
        overridden = rule == prefix or rule.startswith(prefix + ".")
        assert (graded[rule] == "critical") == overridden, (rule, graded)


@pytest.mark.parametrize("prefix", ["spelling", "untranslated", *RULES])
def test_disabling_removes_spelling_and_untranslated_findings(prefix: str) -> None:
    found = set(_severities(_settings(disabled=(prefix,))))
    assert found == {r for r in RULES if not (r == prefix or r.startswith(prefix + "."))}


def test_a_disabled_script_rule_still_keeps_its_paragraph_from_the_paragraph_rule() -> None:
    text = "Lavrov added: Сотрудничество между нашими странами продолжается.\n"
    result = clean(text, _settings(disabled=("untranslated.script",)), language="en")
    assert [f.rule for f in result.findings] == []


class _OffByDefault(RuleFileChecker):
    """The spelling checker, with its rules read from a copy marked ``default: off``."""

    name = "spelling"
    fields = SpellingChecker.fields

    def __init__(self, rule_file: Path) -> None:
        self.rule_file = rule_file

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        return SpellingChecker().find(text, context)


def _off_by_default(tmp_path: Path) -> _OffByDefault:
    shipped = SpellingChecker.rule_file.read_text(encoding="utf-8")
    source_line = next(line for line in shipped.splitlines() if line.startswith("source:"))
    copy = tmp_path / "spelling.yaml"
    copy.write_text(shipped.replace(source_line, source_line + "\ndefaults: {default: off}"))
    return _OffByDefault(copy)


def _found(checker: RuleFileChecker, style: HouseStyle) -> list[str]:
    context = FindContext("en", load_rules("en"), style)
    cap = FindingCap(limit=sys.maxsize)
    collect((checker,), "Officials said the goverment would respond.", context, cap)
    return [f.rule for f in cap.findings()]


def test_default_off_works_for_a_checker_rule(tmp_path: Path) -> None:
    checker = _off_by_default(tmp_path)
    assert all(not rule.default_on for rule in checker.rules(load_rules("en")))
    assert _found(SpellingChecker(), HouseStyle()) == ["spelling.unknown-word"]
    assert _found(checker, HouseStyle()) == []
    assert _found(checker, HouseStyle(enabled=("spelling",))) == ["spelling.unknown-word"]
    enabled = HouseStyle(enabled=("spelling.unknown-word",))
    assert _found(checker, enabled) == ["spelling.unknown-word"]


def test_the_registry_runs_every_checker_in_order() -> None:
    assert [c.name for c in checkers()] == [
        "phrasing",
        "spelling",
        "untranslated",
        "consistency",
        "source-text",
        "numbers",
        "key-terms",
    ]
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(SpellingChecker())


class _Shouting:
    """A checker for the test: every word in capitals (rule ``test.shouting``, minor)."""

    name = "test"
    rule = Rule(
        "test.shouting", "checker", "shouting", "Style/Awkward", "minor", None, None, True,
        (), (), "test", 1, source="the test",
    )  # fmt: skip

    def rules(self, ruleset: RuleSet) -> tuple[Rule, ...]:
        return (self.rule,)

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        start = text.find("LOUD")
        if start >= 0:
            yield self.rule.finding(text, Match(start, start + 4))


def test_a_registered_checker_reports_through_the_pipeline_and_the_grading_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "_CHECKERS", list(checkers()))
    registry.register(_Shouting())
    text = "The crowd was LOUD outside parliament on Monday.\n"
    (finding,) = [f for f in clean(text, _settings(), language="en").findings]
    assert (finding.rule, finding.text, finding.severity, finding.source) == (
        "test.shouting",
        "LOUD",
        "minor",
        "the test",
    )
    graded = clean(text, _settings(severity={"test": "major"}), language="en").findings
    assert [f.severity for f in graded] == ["major"]
    assert clean(text, _settings(disabled=("test",)), language="en").findings == ()


def _style_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "copydesk.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "prefix"),
    [
        ('[rules]\ndisable = ["en.calqes"]\n', "en.calqes"),
        ('[rules]\nenable = ["en.house", "spelling.unknown"]\n', "spelling.unknown"),
        ('[rules.severity]\n"untranslated.para" = "major"\n', "untranslated.para"),
        ('[rules]\ndisable = ["it"]\n', "it"),  # no Italian pack
        ('[rules]\ndisable = ["en.calques.in-turn.x"]\n', "en.calques.in-turn.x"),
    ],
)
def test_a_prefix_that_matches_no_rule_is_an_error_naming_it_and_the_file(
    tmp_path: Path, body: str, prefix: str
) -> None:
    path = _style_file(tmp_path, body)
    with pytest.raises(ConfigError) as raised:
        default_settings(glossary_dir=GLOSSARY, style_file=path)
    assert str(path) in str(raised.value)
    assert repr(prefix) in str(raised.value)


@pytest.mark.parametrize(
    "body",
    [
        '[rules]\ndisable = ["en", "spelling", "untranslated"]\n',
        '[rules]\nenable = ["en.house", "en.calques.in-turn"]\n',
        '[rules.severity]\n"spelling.near-glossary-form" = "major"\n"en.dates" = "minor"\n',
    ],
)
def test_a_language_a_checker_a_family_or_a_rule_id_is_a_valid_prefix(
    tmp_path: Path, body: str
) -> None:
    default_settings(glossary_dir=GLOSSARY, style_file=_style_file(tmp_path, body))


def test_prefixes_are_checked_against_the_rules_folder_in_use(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "xx").mkdir(parents=True)
    (rules / "xx" / "style.yaml").write_text(
        "source: test\nrules:\n  - name: one\n    extends: phrase\n    phrases: [ab cd]\n"
        "    message: m\n    category: Style/Awkward\n",
        encoding="utf-8",
    )
    style = _style_file(tmp_path, '[rules]\ndisable = ["xx.style.one", "spelling"]\n')
    default_settings(glossary_dir=GLOSSARY, rules_dir=rules, style_file=style)
    english = _style_file(tmp_path, '[rules]\ndisable = ["en.calques"]\n')
    with pytest.raises(ConfigError, match=r"'en\.calques' matches no rule id"):
        default_settings(glossary_dir=GLOSSARY, rules_dir=rules, style_file=english)


def test_known_rule_ids_hold_every_checker_of_every_language() -> None:
    known = known_rule_ids(shipped_rules_root(), load_rules)
    english = {rule.id for rule in load_rules("en").rules}
    assert english < known
    assert {"en", *RULES, "spelling.near-glossary-form"} <= known


def test_a_style_built_in_code_is_named_as_the_house_style() -> None:
    style = HouseStyle(disabled=("en.calqes",))
    with pytest.raises(ConfigError, match=r"^house style: rules\.disable: 'en\.calqes'"):
        check_rule_prefixes(style, None, load_rules)
