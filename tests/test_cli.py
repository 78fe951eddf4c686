"""The command line: formats, exit codes, atomic outputs, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from .conftest import FIXTURES, ROOT, SEED, cli_command

GLOSSARY = str(FIXTURES / "glossary")


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def test_check_json_has_the_documented_fields() -> None:
    proc = run(
        "check",
        "-",
        "--format",
        "json",
        "--glossary",
        GLOSSARY,
        stdin=b"He flew to Sotchi yesterday.\n",
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["cleaned"] == "He flew to Sochi yesterday.\n"
    for key in (
        "cleaned",
        "edits",
        "findings",
        "language",
        "scores",
        "signature",
        "schema_version",
    ):
        assert key in report
    (edit,) = report["edits"]
    assert {"start", "end", "before", "after", "rule", "category"} <= set(edit)
    assert (edit["before"], edit["after"], edit["rule"]) == ("Sotchi", "Sochi", "t.sochi")
    for finding in report["findings"]:
        assert {
            "start",
            "end",
            "text",
            "rule",
            "category",
            "severity",
            "message",
            "suggestion",
        } <= set(finding)


def test_check_markdown_and_text() -> None:
    md = run("check", str(SEED), "--format", "md", "--glossary", GLOSSARY)
    assert md.returncode == 0, md.stderr
    assert "~~Sotchi~~ **Sochi**" in md.stdout
    text = run("check", str(SEED), "--glossary", GLOSSARY)
    assert "'Sotchi' -> 'Sochi' [t.sochi]" in text.stdout


def test_fail_on_sets_exit_status() -> None:
    proc = run("check", str(SEED), "--fail-on", "minor", "--glossary", GLOSSARY)
    assert proc.returncode == 1
    assert run("check", str(SEED), "--glossary", GLOSSARY).returncode == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"NUL \x00 inside text", "binary"),
        ("caf\u00e9 ’ ".encode() + b"\xff\xfe\xfa", "UTF-8"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    proc = run("check", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.startswith("copydesk error: ")
    assert reason in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_missing_file_directory_and_bad_usage(tmp_path: Path) -> None:
    for args in (
        ["check", str(tmp_path / "missing.txt")],
        ["check", str(tmp_path)],
        ["check"],
        ["check", str(SEED), "--format", "pdf"],
    ):
        proc = run(*args)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith("copydesk error: "), proc.stderr
        assert "Traceback" not in proc.stderr


def test_malformed_glossary_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "domain: x\nentries:\n  - id: a\n    forms: {en: A\n", encoding="utf-8"
    )
    proc = run("check", str(SEED), "--glossary", str(tmp_path))
    assert proc.returncode == 2
    assert f"{tmp_path / 'bad.yaml'}:" in proc.stderr
    assert "YAML error" in proc.stderr


def test_clean_writes_good_and_skips_bad(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    good = inbox / "good.txt"
    good.write_bytes(b"Erdogan went to Sotchi.\r\n")
    bad = inbox / "bad.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out"
    proc = run("clean", str(good), str(bad), "--out", str(out), "--glossary", GLOSSARY)
    assert proc.returncode == 2
    assert "bad.txt" in proc.stderr and "empty" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "good.clean.txt",
        "good.report.html",
        "good.report.json",
        "good.report.md",
    ]
    assert (out / "good.clean.txt").read_bytes() == b"Erdogan went to Sochi.\r\n"


def test_clean_bad_input_leaves_output_folder_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    proc = run("clean", str(bad), "--out", str(out))
    assert proc.returncode == 2
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_every_command_has_help() -> None:
    for args in (["--help"], ["check", "--help"], ["clean", "--help"]):
        proc = run(*args)
        assert proc.returncode == 0
        assert "Usage:" in proc.stdout


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path, the lazily registered ``run`` group's included."""
    ctx = click.Context(group)
    out = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out += _commands(command, (*prefix, name))
    return out


def test_every_command_is_documented_with_help() -> None:
    from click.testing import CliRunner

    from copydesk.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()
    for path in _commands(cli):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert result.output.startswith("Usage:"), path
        leaf = cli_command(*path)
        assert leaf.help, path
        if not isinstance(leaf, click.Group):
            assert f"copydesk {' '.join(path)}" in readme, f"README does not show {path}"


def test_markdown_marks_findings_in_place() -> None:
    proc = run("check", str(SEED), "--format", "md")
    assert proc.returncode == 0, proc.stderr
    md = proc.stdout
    assert "a *great contradiction* ⁽¹⁾ in the" in md
    assert "Russian *forces strikes* ⁽" in md
    assert "| 1 | 2:" in md  # the findings table numbers its rows the same way


def test_markdown_escapes_hostile_text_around_findings() -> None:
    text = "<script>alert(1)</script> *bold* [x](http://e) | the the | `code`\n"
    proc = run("check", "-", "--format", "md", "--lang", "en", stdin=text.encode())
    assert proc.returncode == 0, proc.stderr
    body = proc.stdout.split("## Article with changes", 1)[1].split("##", 1)[0]
    assert "<script>" not in body and "\\<script\\>" in body
    assert "\\*bold\\*" in body and "\\[x\\]" in body and "\\|" in body
    assert "*the the* ⁽" in body


def _process(code: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=False)


@pytest.mark.parametrize(
    "args",
    [
        ("check", str(SEED), "--format", "json"),  # a long output
        ("check", str(SEED), "--format", "md"),
        ("check", str(ROOT / "no-such-article.txt")),  # status 2, one error line
        ("--version",),
    ],
)
def test_the_command_ends_as_main_does(args: tuple[str, ...]) -> None:
    """The command skips the interpreter's shutdown: same status, same output, all flushed."""
    fast = _process("from copydesk.cli import console_main; console_main()", *args)
    plain = _process("from copydesk.cli import main; main()", *args)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        plain.returncode,
        plain.stdout,
        plain.stderr,
    )
    assert fast.stdout or fast.stderr


def test_the_command_exits_the_usual_way_when_something_waits_for_the_exit() -> None:
    code = (
        "import atexit\n"
        "atexit.register(print, 'the exit handler ran')\n"
        "from copydesk.cli import console_main\n"
        "console_main()\n"
    )
    done = _process(code, "check", str(SEED))
    plain = _process("from copydesk.cli import main; main()", "check", str(SEED))
    assert done.returncode == plain.returncode
    assert done.stdout == plain.stdout + b"the exit handler ran\n"
