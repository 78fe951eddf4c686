"""Settings in one place: the spec, the loader, the signature and batch key, the shared
options of both command lines, and an import of the command line without side effects."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import importlib.metadata
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import copydesk
from copydesk._cache import BoundedCache, file_stamp
from copydesk.config import HouseStyle
from copydesk.errors import InputError
from copydesk.memory import remember
from copydesk.pipeline import clean
from copydesk.report import iter_json
from copydesk.rules import default_rules_directory
from copydesk.settings import SettingsSpec, default_settings, load_settings

from .conftest import FIXTURES, ROOT, SEED, cli_command, prefect_env

GLOSSARY = str(FIXTURES / "glossary")
TEXT = "He flew to Sotchi four days ago, according to the planned plan.\n"
# The variables the flows' command line sets for Prefect before a flow runs.
PREFECT_DEFAULTS = ("PREFECT_SERVER_ANALYTICS_ENABLED", "DO_NOT_TRACK")


@pytest.fixture
def rules_root(tmp_path: Path) -> Path:
    """A private rules root with two languages, so that a test may edit either."""
    root = tmp_path / "rules"
    shutil.copytree(default_rules_directory("en"), root / "en")
    (root / "de").mkdir()
    (root / "de" / "punctuation.yaml").write_text("rules: []\n", encoding="utf-8")
    return root


# ---------------------------------------------------------------- the spec and the loader


def test_spec_is_picklable_and_loads_like_default_settings() -> None:
    spec = SettingsSpec(glossary_dir=GLOSSARY, date=dt.date(2024, 5, 14), suggest_only=True)
    assert pickle.loads(pickle.dumps(spec)) == spec
    loaded = load_settings(spec)
    same = default_settings(glossary_dir=GLOSSARY, date=dt.date(2024, 5, 14), suggest_only=True)
    assert loaded.key() == same.key() == spec.load().key()


def test_spec_language_is_used_and_checked() -> None:
    settings = SettingsSpec(glossary_dir=GLOSSARY, language="de").load()
    assert clean(TEXT, settings).language.code == "de"
    assert clean(TEXT, settings, language="en").language.code == "en"  # the call wins
    assert settings.key() != default_settings(glossary_dir=GLOSSARY).key()
    with pytest.raises(InputError, match="language code"):
        SettingsSpec(language="../x")


def test_spec_size_limit_reaches_the_loads() -> None:
    settings = SettingsSpec(glossary_dir=GLOSSARY, max_size=0.00001).load()
    with pytest.raises(InputError, match="MB"):
        clean(TEXT.encode() * 2, settings)
    assert settings.key() == default_settings(glossary_dir=GLOSSARY).key()  # never the output


def test_absolute_paths_keep_what_is_unset() -> None:
    spec = SettingsSpec(glossary_dir="g", style_file="s.toml").with_absolute_paths()
    assert Path(spec.glossary_dir or "").is_absolute() and Path(spec.style_file or "").is_absolute()
    assert (spec.rules_dir, spec.memory_file) == (None, None)


def test_prefect_turns_json_parameters_into_a_spec() -> None:
    pytest.importorskip("prefect")
    from copydesk_flows.article import clean_article
    from copydesk_flows.evaluate import evaluate
    from copydesk_flows.inbox import clean_inbox

    given = {"glossary_dir": "g", "date": "2024-05-14", "suggest_only": True, "max_changes": 9}
    expected = SettingsSpec(
        glossary_dir="g", date=dt.date(2024, 5, 14), suggest_only=True, max_changes=9
    )
    for flow, required in ((clean_article, {}), (clean_inbox, {"inbox": "i"}),
                           (evaluate, {"folder": "f"})):  # fmt: skip
        assert flow.validate_parameters({**required, "spec": given})["spec"] == expected
        names = [p for p in flow.parameters.properties if p not in ("spec", *required)]
        spec_fields = {f.name for f in dataclasses.fields(SettingsSpec)}
        assert not spec_fields & set(names), flow.name  # one parameter for every setting


# ---------------------------------------------------------------- one signature, one key


def test_result_signature_is_built_from_the_settings() -> None:
    settings = default_settings(glossary_dir=GLOSSARY, date=dt.date(2024, 5, 14))
    result = clean(TEXT, settings, language="en")
    assert result.signature == settings.signature("en")
    version = importlib.metadata.version("copydesk")
    rules = settings.rules("en").content_hash
    assert str(result.signature) == (
        f"copydesk:{version}|glossary:{settings.glossary.content_hash}|rules:en@{rules}|"
        "style:default|lang:en|mode:apply|date:2024-05-14"
    )
    report = json.loads("".join(iter_json(result)))
    assert report["signature"] == str(result.signature)


def test_batch_key_follows_every_setting_that_decides_the_output(
    tmp_path: Path, rules_root: Path
) -> None:
    def key(**options: object) -> str:
        return default_settings(glossary_dir=GLOSSARY, rules_dir=rules_root, **options).key()  # type: ignore[arg-type]

    base = key()
    assert base == key()
    assert "|lang:*|" in base and "|rules:*@" in base
    keys = {base}
    (rules_root / "de" / "punctuation.yaml").write_text(
        "source: a review\nrules: []\n", encoding="utf-8"
    )
    keys.add(key())  # a rule file of another language than the article's
    style = tmp_path / "copydesk.toml"
    style.write_text('[rules]\ndisable = ["en.calques"]\n', encoding="utf-8")
    keys.add(key(style_file=style))
    memory = tmp_path / "memory.yaml"
    result = clean(TEXT, default_settings(glossary_dir=GLOSSARY), language="en")
    remember(memory, result.cleaned, result.findings[:1], "fine here")
    keys.add(key(memory_file=memory))
    keys.add(key(date=dt.date(2024, 5, 14)))
    keys.add(key(suggest_only=True))
    keys.add(key(language="en"))
    assert len(keys) == 7
    # The limits decide whether an article is refused, never its output.
    assert key(max_changes=5, max_size=1.0) == key()


def test_house_style_owns_its_hash() -> None:
    assert HouseStyle().content_hash == "default"
    one = HouseStyle(disabled=("en.calques",))
    assert one.content_hash == HouseStyle(disabled=("en.calques",)).content_hash
    assert one.content_hash != HouseStyle(enabled=("en.calques",)).content_hash != "default"


# ---------------------------------------------------------------- caches


def test_a_rule_file_edited_while_running_is_picked_up(rules_root: Path) -> None:
    settings = default_settings(glossary_dir=GLOSSARY, rules_dir=rules_root)
    before = settings.rules("en")
    assert settings.rules("en") is before  # cached while unchanged
    stamp = file_stamp(rules_root / "en")
    with next((rules_root / "en").glob("*.yaml")).open("a", encoding="utf-8") as fh:
        fh.write("# reviewed\n")
    assert file_stamp(rules_root / "en") != stamp
    after = settings.rules("en")
    assert after is not before and after.content_hash != before.content_hash
    assert clean(TEXT, settings, language="en").signature.rules == f"en@{after.content_hash}"


def test_bounded_cache_builds_once_and_forgets_the_oldest() -> None:
    built: list[str] = []
    cache: BoundedCache[str, str] = BoundedCache(2)

    def get(key: str) -> str:
        return cache.get(key, lambda: built.append(key) or key.upper())  # type: ignore[func-returns-value]

    assert [get("a"), get("a"), get("b"), get("c"), get("a")] == ["A", "A", "B", "C", "A"]
    assert built == ["a", "b", "c", "a"] and len(cache) == 2


# ---------------------------------------------------------------- shared options


@pytest.mark.parametrize(
    "path",
    [["check"], ["clean"], ["ignore"], ["run", "clean-article"], ["run", "clean-inbox"],
     ["run", "evaluate"], ["run", "serve-inbox"]],
)  # fmt: skip
def test_every_cleaning_command_takes_every_setting(path: list[str]) -> None:
    options = {p.name: p for p in cli_command(*path).params if isinstance(p, click.Option)}
    assert {f.name for f in dataclasses.fields(SettingsSpec)} <= set(options)
    reference = {p.name: p for p in cli_command("check").params}
    for name in ("max_size", "max_changes", "memory_file", "date"):
        assert options[name].opts == reference[name].opts
        assert options[name].help == reference[name].help  # declared once


def test_flow_commands_refuse_a_bad_date_or_language_before_prefect(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from copydesk.cli import main

    for argv in (
        ["run", "clean-article", str(SEED), "--date", "14/05/2024"],
        ["run", "clean-article", str(SEED), "--lang", "../x"],
        ["run", "evaluate", str(FIXTURES), "--memory", str(FIXTURES)],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("copydesk error: ") and err.count("\n") == 1, err


# ---------------------------------------------------------------- imports and entry points


def test_importing_the_command_line_has_no_side_effects() -> None:
    code = (
        "import json, os, sys\n"
        "before = dict(os.environ)\n"
        "import copydesk.cli\n"
        "print(json.dumps({\n"
        "    'modules': sorted(m for m in sys.modules\n"
        "                      if m.split('.')[0] in ('prefect', 'copydesk_flows')),\n"
        "    'changed': sorted(k for k in {*before, *os.environ}\n"
        "                      if before.get(k) != os.environ.get(k)),\n"
        "}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in PREFECT_DEFAULTS}
    env.pop("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", None)
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(proc.stdout) == {"modules": [], "changed": []}


def test_python_m_copydesk_from_any_folder(tmp_path: Path) -> None:
    def run(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "copydesk", *args],
            cwd=tmp_path, input="He flew to Sotchi.\n", capture_output=True, text=True,
            check=True,
        ).stdout  # fmt: skip

    version = importlib.metadata.version("copydesk")
    assert run("--version").strip() == f"copydesk, version {version}"
    assert copydesk.__version__ == version
    assert "  run " in run("--help")  # registered lazily, still listed
    assert "clean-article" in run("run", "--help")
    assert "'Sotchi' -> 'Sochi'" in run("check", "-", "--lang", "en", "--glossary", GLOSSARY)


def test_no_module_imports_the_package_root() -> None:
    """A module that takes a name from ``copydesk`` itself hides an import cycle (the root
    imports the pipeline, which imports the module): names come from their own modules."""
    offenders = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        if path == ROOT / "src" / "copydesk" / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "copydesk" and not node.level:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# ---------------------------------------------------------------- the flow like the command


@pytest.mark.slow
def test_run_clean_article_honours_the_settings_like_clean(tmp_path: Path) -> None:
    """``copydesk run clean-article`` writes what ``copydesk clean`` writes with the same
    --date, --suggest-only, --memory and --lang."""
    pytest.importorskip("prefect")
    memory = tmp_path / "memory.yaml"
    settings = ["--glossary", GLOSSARY, "--date", "2024-05-14", "--suggest-only",
                "--memory", str(memory), "--lang", "en"]  # fmt: skip
    env = prefect_env(tmp_path / "prefect")

    def copydesk_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "copydesk", *args], env=env, cwd=tmp_path,
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip

    ignored = copydesk_cli("ignore", str(SEED), "--rule", "en.pleonasms", *settings)
    assert ignored.returncode == 0, ignored.stderr
    direct = copydesk_cli("clean", str(SEED), "--out", str(tmp_path / "clean"), *settings)
    assert direct.returncode == 0, direct.stderr
    flow = copydesk_cli("run", "clean-article", str(SEED), "--out", str(tmp_path / "flow"),
                        *settings)  # fmt: skip
    assert flow.returncode == 0, flow.stderr

    outputs = sorted(p.name for p in (tmp_path / "clean").iterdir())
    assert outputs == sorted(p.name for p in (tmp_path / "flow").iterdir())
    for name in outputs:
        assert (tmp_path / "flow" / name).read_bytes() == (tmp_path / "clean" / name).read_bytes()
    report = json.loads((tmp_path / "flow" / "sochi-summit.report.json").read_text("utf-8"))
    assert "|mode:suggest|date:2024-05-14|memory:" in report["signature"]
    assert not any(e["applied"] for e in report["edits"])
    assert "en.pleonasms.according-to-planned-plan" not in {f["rule"] for f in report["findings"]}
    assert "Friday, 10 May 2024" in json.dumps(report["findings"])
