"""Every bad input ends in one line, ``copydesk error: ...``, exit 2, and nothing written.

The matrix runs the real command line (``python -m copydesk``) in a subprocess, so what is
checked is exactly what a desk sees: the exit status, stderr, and the files left behind.
Inputs that look odd but are articles (UTF-16 with or without a byte-order mark,
Windows-1252, Windows-1256, a file name that is not UTF-8) must succeed instead.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from copydesk.errors import InputError
from copydesk.langid import language_code
from copydesk.load import load_bytes
from copydesk.pipeline import clean, default_settings
from copydesk.rules import load_rules
from copydesk.rules.checks import CheckContext, relative_date

from .conftest import FIXTURES

GLOSSARY = str(FIXTURES / "glossary")
ARTICLE = b"The minister left for Sochi yesterday, officials said.\n"
NOBODY = 65534


def run(
    args: list[str], stdin: bytes | None = None, cwd: Path | None = None, user: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        input=b"" if stdin is None else stdin,
        capture_output=True,
        cwd=cwd,
        check=False,
        timeout=60,  # a FIFO once hung the command for ever
        user=user,
        group=user,
    )


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under ``root`` (not following links): mode, size, modification time."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            st = path.lstat()
            out[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


def assert_one_error_line(proc: subprocess.CompletedProcess[bytes], expected: str) -> str:
    stderr = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, (proc.returncode, stderr)
    assert "Traceback" not in stderr, stderr
    assert stderr.startswith("copydesk error: "), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert re.search(expected, stderr), (expected, stderr)
    return stderr


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Case:
    """A bad input: how to make it in a folder, and what stderr must say about it."""

    make: Callable[[Path], tuple[list[str], bytes | None]]
    expected: str  # a regular expression stderr must match


def _file(content: bytes, *extra: str) -> Callable[[Path], tuple[list[str], bytes | None]]:
    def make(tmp: Path) -> tuple[list[str], bytes | None]:
        (tmp / "article.txt").write_bytes(content)
        return ["check", str(tmp / "article.txt"), *extra], None

    return make


def _stdin(content: bytes) -> Callable[[Path], tuple[list[str], bytes | None]]:
    return lambda _tmp: (["check", "-"], content)


def _directory(tmp: Path) -> tuple[list[str], bytes | None]:
    (tmp / "folder.txt").mkdir()
    return ["check", str(tmp / "folder.txt")], None


def _fifo(tmp: Path) -> tuple[list[str], bytes | None]:
    os.mkfifo(tmp / "pipe.txt")
    return ["check", str(tmp / "pipe.txt")], None


def _symlink_loop(tmp: Path) -> tuple[list[str], bytes | None]:
    (tmp / "a.txt").symlink_to(tmp / "b.txt")
    (tmp / "b.txt").symlink_to(tmp / "a.txt")
    return ["check", str(tmp / "a.txt")], None


def _broken_symlink(tmp: Path) -> tuple[list[str], bytes | None]:
    (tmp / "a.txt").symlink_to(tmp / "gone.txt")
    return ["check", str(tmp / "a.txt")], None


def _clean_into(out: Callable[[Path], Path]) -> Callable[[Path], tuple[list[str], bytes | None]]:
    def make(tmp: Path) -> tuple[list[str], bytes | None]:
        (tmp / "good.txt").write_bytes(ARTICLE)
        return [
            "clean",
            str(tmp / "good.txt"),
            "--out",
            str(out(tmp)),
            "--glossary",
            GLOSSARY,
        ], None

    return make


def _out_is_file(tmp: Path) -> Path:
    (tmp / "out").write_bytes(b"not a folder")
    return tmp / "out"


def _out_under_file(tmp: Path) -> Path:
    (tmp / "plain").write_bytes(b"not a folder")
    return tmp / "plain" / "out"


def _with_data_file(
    name: str, content: bytes, option: str
) -> Callable[[Path], tuple[list[str], bytes | None]]:
    """An article plus a data file (house style, memory, glossary or rule file)."""

    def make(tmp: Path) -> tuple[list[str], bytes | None]:
        (tmp / "article.txt").write_bytes(ARTICLE)
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        given = {"--style": target, "--memory": target}.get(option, target.parent)
        if option == "--rules":
            given = target.parent.parent
        extra = [] if option == "--glossary" else ["--glossary", GLOSSARY]
        return ["check", str(tmp / "article.txt"), option, str(given), *extra], None

    return make


def _pyproject(content: bytes) -> Callable[[Path], tuple[list[str], bytes | None]]:
    def make(tmp: Path) -> tuple[list[str], bytes | None]:
        (tmp / "article.txt").write_bytes(ARTICLE)
        (tmp / "pyproject.toml").write_bytes(content)
        return ["check", "article.txt", "--glossary", GLOSSARY], None  # run in tmp

    return make


def _binary_reference(tmp: Path) -> tuple[list[str], bytes | None]:
    (tmp / "ref.txt").write_bytes(BINARY)
    return ["check", "-", "--reference", str(tmp / "ref.txt"), "--glossary", GLOSSARY], ARTICLE


def _style_directory(tmp: Path) -> tuple[list[str], bytes | None]:
    (tmp / "style.toml").mkdir()
    return ["check", "-", "--style", str(tmp / "style.toml"), "--glossary", GLOSSARY], ARTICLE


def _memory_fifo(tmp: Path) -> tuple[list[str], bytes | None]:
    os.mkfifo(tmp / "memory.yaml")
    return ["check", "-", "--memory", str(tmp / "memory.yaml"), "--glossary", GLOSSARY], ARTICLE


def _ignore_read_only_memory(tmp: Path) -> tuple[list[str], bytes | None]:
    (tmp / "article.txt").write_bytes(b"It was of great importance to both sides.\n")
    memory = tmp / "memory.yaml"
    memory.write_bytes(b"ignored: []\n")
    memory.chmod(0o444)
    args = ["ignore", str(tmp / "article.txt"), "--rule", "en", "--memory", str(memory)]
    return [*args, "--glossary", GLOSSARY], None


BINARY = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00>\x00\x01\x00" * 8
HOSTILE_LANG = 'en"><script>alert(1)</script>'

CASES: dict[str, Case] = {
    "empty": Case(_file(b""), r"empty \(0 bytes\)"),
    "whitespace only": Case(_file(b" \n\t\r\n  \n"), "nothing but whitespace"),
    "binary": Case(_file(BINARY), "binary"),
    "NUL in text": Case(_file(b"Some text \x00 and more text here.\n"), "binary"),
    "control character": Case(_file(b"Some text \x1b[31m red.\n"), "binary"),
    "UTF-8 BOM then an invalid byte": Case(
        _file(codecs.BOM_UTF8 + b"caf\xc3\xa9 \xff\n"), "byte-order mark but is not valid UTF-8"
    ),
    "UTF-8 BOM only": Case(_file(codecs.BOM_UTF8), "empty"),
    "UTF-16 BOM, odd length": Case(_file(codecs.BOM_UTF16_LE + b"a\x00b"), "not valid UTF-16"),
    "mixed UTF-8 and legacy bytes": Case(
        _file("caf\u00e9 \u2019 ".encode() + b"\xff\xfe\xfa\n"), "cannot decode|mixes encodings"
    ),
    "directory": Case(_directory, "is a directory"),
    "missing": Case(lambda tmp: (["check", str(tmp / "missing.txt")], None), "no such file"),
    "missing, name with a line break": Case(
        lambda tmp: (["check", str(tmp / "two\nlines.txt")], None), r"two\\nlines\.txt"
    ),
    "FIFO": Case(_fifo, "FIFO"),
    "symlink loop": Case(_symlink_loop, "symbolic-link loop"),
    "broken symlink": Case(_broken_symlink, "broken symbolic link"),
    "binary stdin": Case(_stdin(BINARY), "<stdin>: looks like a binary"),
    "empty stdin": Case(_stdin(b""), "<stdin>: the article is empty"),
    "whitespace stdin": Case(_stdin(b"  \n\n "), "<stdin>: the article is empty"),
    "--out is a file": Case(_clean_into(_out_is_file), "--out"),
    "--out under a file": Case(_clean_into(_out_under_file), "is a file"),
    "--date malformed": Case(_file(ARTICLE, "--date", "2024-13-45"), "--date"),
    "--date words": Case(_file(ARTICLE, "--date", "yesterday"), "--date"),
    "--date year 10000": Case(_file(ARTICLE, "--date", "10000-01-01"), "--date"),
    "--date empty": Case(_file(ARTICLE, "--date", ""), "--date"),
    "--lang path": Case(_file(ARTICLE, "--lang", "../../x"), "language code"),
    "--lang markup": Case(_file(ARTICLE, "--lang", HOSTILE_LANG), "language code"),
    "--lang empty": Case(_file(ARTICLE, "--lang", ""), "language code"),
    "--lang one letter": Case(_file(ARTICLE, "--lang", "e"), "language code"),
    "--lang word": Case(_file(ARTICLE, "--lang", "english"), "language code"),
    "--lang trailing dash": Case(_file(ARTICLE, "--lang", "pt-"), "language code"),
    "--lang slash": Case(_file(ARTICLE, "--lang", "en/x"), "language code"),
    "--lang line break": Case(_file(ARTICLE, "--lang", "en\nx"), "language code"),
    "--lang non-ASCII": Case(_file(ARTICLE, "--lang", "ру"), "language code"),
    "--rules missing": Case(
        lambda tmp: (["check", "-", "--rules", str(tmp / "no-rules")], ARTICLE),
        "no-rules: rules folder not found",
    ),
    "--glossary missing": Case(
        lambda tmp: (["check", "-", "--glossary", str(tmp / "no-glossary")], ARTICLE),
        "glossary folder not found",
    ),
    "--reference binary": Case(_binary_reference, "ref.txt: looks like a binary"),
    "style: TOML syntax": Case(
        _with_data_file("style.toml", b'[rules]\ndisable = ["a"\n', "--style"),
        r"style\.toml:\d+:\d+: not valid TOML",
    ),
    "style: TOML syntax at the end": Case(
        _with_data_file("style.toml", b"[rules]\ndisable = ", "--style"),
        r"style\.toml:2:\d+: not valid TOML",
    ),
    "style: not UTF-8": Case(
        _with_data_file("style.toml", b'[rules]\ndisable = ["\xff"]\n', "--style"),
        r"style\.toml:2:13: not valid UTF-8",
    ),
    "style: bad value": Case(
        _with_data_file("style.toml", b"[rules]\ndisable = 3\n", "--style"),
        r"style\.toml:2:1: \[rules\]: 'disable' must be a list",
    ),
    "style: a directory": Case(_style_directory, "style.toml' is a directory"),
    "style: a prefix that matches no rule": Case(
        _with_data_file("style.toml", b'[rules]\ndisable = ["en.calqes"]\n', "--style"),
        r"style\.toml: rules\.disable: 'en\.calqes' matches no rule id",
    ),
    "style: pyproject syntax": Case(
        _pyproject(b"[tool.copydesk.rules]\ndisable = [1, \n[x\n"),
        r"pyproject\.toml:\d+:\d+: not valid TOML",
    ),
    "style: pyproject not UTF-8": Case(
        _pyproject(b"[tool.copydesk]\n# \xc3\x28\n"), r"pyproject\.toml:2:3: not valid UTF-8"
    ),
    "memory: YAML syntax": Case(
        _with_data_file("memory.yaml", b"ignored:\n  - rule: [a\n", "--memory"),
        r"memory\.yaml:\d+:\d+: YAML error",
    ),
    "memory: not UTF-8": Case(
        _with_data_file("memory.yaml", b"ignored:\n  - rule: a\n    context: \xff\n", "--memory"),
        r"memory\.yaml:3:14: not valid UTF-8",
    ),
    "memory: control character": Case(
        _with_data_file("memory.yaml", b"ignored:\n  - rule: a\x01\n", "--memory"),
        r"memory\.yaml:2:\d+: YAML error",
    ),
    "memory: not a mapping": Case(
        _with_data_file("memory.yaml", b"- a\n- b\n", "--memory"),
        r"memory\.yaml:1:1: false-alarm memory must be a mapping",
    ),
    "memory: a FIFO": Case(_memory_fifo, "memory.yaml: is a FIFO"),
    "memory: unknown item key": Case(
        _with_data_file(
            "memory.yaml", b"ignored:\n  - rule: a\n    context: b\n    reason: c\n", "--memory"
        ),
        r"memory\.yaml:4:5: ignored item: 'reason' is not a known key \(allowed: context, ",
    ),
    "glossary: unknown key": Case(
        _with_data_file(
            "glossary/bad.yaml", b"domain: x\nentries: []\ncolour: red\n", "--glossary"
        ),
        r"bad\.yaml:3:1: glossary file: 'colour' is not a known key \(allowed: ",
    ),
    "style: unknown table": Case(
        _with_data_file("style.toml", b"[rules]\n\n[spelling]\nlang = 1\n", "--style"),
        r"style\.toml:3:1: house style: 'spelling' is not a known key \(allowed: quotes, rules\)",
    ),
    "style: pyproject unknown key": Case(
        _pyproject(b"[tool.copydesk]\nrule = 1\n"),
        r"pyproject\.toml:2:1: \[tool\.copydesk\]: 'rule' is not a known key "
        r"\(allowed: quotes, rules\)",
    ),
    "glossary: not UTF-8": Case(
        _with_data_file("glossary/bad.yaml", b"domain: x\nentries: \xff\n", "--glossary"),
        r"bad\.yaml:2:10: not valid UTF-8",
    ),
    "glossary: YAML syntax": Case(
        _with_data_file(
            "glossary/bad.yaml",
            b"domain: x\nentries:\n  - id: a\n    forms: {en: A\n",
            "--glossary",
        ),
        r"bad\.yaml:\d+:\d+: YAML error",
    ),
    "rules: not UTF-8": Case(
        _with_data_file("rules/en/bad.yaml", b"source: x\nrules: \xfe\n", "--rules"),
        r"bad\.yaml:2:8: not valid UTF-8",
    ),
    "rules: YAML syntax": Case(
        _with_data_file("rules/en/bad.yaml", b"source: x\nrules: [\n", "--rules"),
        r"bad\.yaml:\d+:\d+: YAML error",
    ),
    "ignore: read-only memory": Case(_ignore_read_only_memory, "memory.yaml: .*read-only"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, case: Case) -> None:
    args, stdin = case.make(tmp_path)
    # The article and data files must be English: the check below runs in tmp_path.
    before = snapshot(tmp_path)
    proc = run(args, stdin, cwd=tmp_path)
    assert_one_error_line(proc, case.expected)
    assert proc.stdout == b""
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------- what root cannot show


@pytest.fixture(scope="module")
def unprivileged_folder() -> Iterator[Path]:
    """A world-readable folder for a run as ``nobody``; skip when that is not possible.

    As root, permissions never stop a read or a write, so the unreadable-file and
    read-only-folder cases need a run with privileges dropped.
    """
    if os.geteuid() != 0:
        pytest.skip("runs as root only, to drop privileges (as a normal user see the test below)")
    folder = Path(tempfile.mkdtemp(prefix="copydesk-nobody-"))
    folder.chmod(0o755)
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import copydesk.cli"],
            capture_output=True,
            check=False,
            user=NOBODY,
            group=NOBODY,
            cwd=folder,
        )
    except OSError as exc:
        shutil.rmtree(folder)
        pytest.skip(f"cannot run the interpreter as nobody: {exc}")
    if probe.returncode != 0:
        shutil.rmtree(folder)
        pytest.skip("the interpreter or copydesk is not readable by nobody")
    yield folder
    shutil.rmtree(folder)


def _as_user() -> int | None:
    return NOBODY if os.geteuid() == 0 else None


def test_unreadable_file(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    folder = tmp_path if os.geteuid() else request.getfixturevalue("unprivileged_folder")
    secret = folder / "secret.txt"
    secret.write_bytes(ARTICLE)
    secret.chmod(0)
    proc = run(["check", str(secret), "--glossary", GLOSSARY], cwd=folder, user=_as_user())
    assert_one_error_line(proc, "secret.txt: permission denied")


def test_read_only_out_folder(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    folder = tmp_path if os.geteuid() else request.getfixturevalue("unprivileged_folder")
    article = folder / "good.txt"
    article.write_bytes(ARTICLE)
    article.chmod(0o644)
    out = folder / "read-only"
    out.mkdir()
    out.chmod(0o555)
    args = ["clean", str(article), "--out", str(out), "--glossary", GLOSSARY]
    proc = run(args, cwd=folder, user=_as_user())
    assert_one_error_line(proc, "read-only: the folder is not writable")
    assert list(out.iterdir()) == []


# ---------------------------------------------------------------- odd but good inputs

CYRILLIC = "Президент прибыл в Сочи в понедельник.\nПереговоры продолжатся завтра.\n"
ENGLISH = "The minister left for Sochi on Monday.\r\nTalks resume in Doha.\n"
FRENCH = "Le président a quitté Genève après une réunion très animée – « naïve », dit-il.\n"
ARABIC = "وصل الرئيس إلى دمشق اليوم، وقال إن المحادثات ستستمر.\n"
SHORT_FRENCH = "Alep café – naïve “quoted” text here.\n"

GOOD = {
    "utf16-le-bom": (codecs.BOM_UTF16_LE + ENGLISH.encode("utf-16-le"), "utf-16", ENGLISH),
    "utf16-be-bom": (codecs.BOM_UTF16_BE + ENGLISH.encode("utf-16-be"), "utf-16", ENGLISH),
    "utf16-le": (ENGLISH.encode("utf-16-le"), "utf-16-le", ENGLISH),
    "utf16-be": (ENGLISH.encode("utf-16-be"), "utf-16-be", ENGLISH),
    "utf16-le-cyrillic": (CYRILLIC.encode("utf-16-le"), "utf-16-le", CYRILLIC),
    "utf16-be-cyrillic": (CYRILLIC.encode("utf-16-be"), "utf-16-be", CYRILLIC),
    "utf16-le-arabic": (ARABIC.encode("utf-16-le"), "utf-16-le", ARABIC),
    "windows-1252": (FRENCH.encode("cp1252"), "cp1252", FRENCH),
    # Short enough that Windows-1250 and -1257 decode it as well: -1252 wins the tie.
    "windows-1252-short": (SHORT_FRENCH.encode("cp1252"), "cp1252", SHORT_FRENCH),
    "windows-1256": (ARABIC.encode("cp1256"), "cp1256", ARABIC),
}
# Through the command line too (the rest are checked in-process, for speed).
GOOD_CLI = ("utf16-le-bom", "utf16-be", "windows-1252", "windows-1256")


@pytest.mark.parametrize("name", GOOD)
def test_odd_encodings_are_articles(name: str) -> None:
    data, encoding, text = GOOD[name]
    doc = load_bytes(data, "article.txt")
    assert (doc.encoding, doc.text) == (encoding, text)


@pytest.mark.parametrize("name", GOOD_CLI)
def test_odd_encodings_through_the_command_line(tmp_path: Path, name: str) -> None:
    data, encoding, text = GOOD[name]
    (tmp_path / "article.txt").write_bytes(data)
    proc = run(["check", str(tmp_path / "article.txt"), "--format", "json", "--glossary", GLOSSARY])
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    assert (report["encoding"], report["input"]) == (encoding, text)


@pytest.mark.parametrize(
    "data",
    [
        b"Some text \x00 and more text here.\n",  # 8-bit text with one NUL: not UTF-16
        b"".join(n.to_bytes(2, "little") for n in range(300)),  # NULs one side, but controls
        bytes(range(256)) * 4,
    ],
    ids=["one-nul", "uint16", "all-bytes"],
)
def test_binary_is_not_taken_for_utf16(data: bytes) -> None:
    with pytest.raises(InputError, match=r"binary|cannot decode|not valid"):
        load_bytes(data, "x")


def test_real_binary_files_stay_refused() -> None:
    binaries = [p for p in (Path(sys.executable), Path("/bin/ls")) if p.is_file()]
    if not binaries:
        pytest.skip("no binary file to try")
    for binary in binaries:
        assert_one_error_line(run(["check", str(binary)]), "binary|not valid|cannot decode")


def test_non_utf8_file_name_is_cleaned_and_shown_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_bytes(ARTICLE)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # strict: a surrogate would fail

    def check(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "copydesk", "check", *args, "--glossary", GLOSSARY]
        return subprocess.run(command, capture_output=True, cwd=tmp_path, env=env, check=False)

    proc = check(name, "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["source"] == "caf\\xe9.txt"
    missing = check(os.fsdecode(b"gone\xff.txt"))
    assert_one_error_line(missing, r"gone\\xff\.txt: no such file")


RELATIVE = (
    "He left yesterday and returns tomorrow. It began four days ago, "
    "last week, next month, next Sunday and last Monday.\n"
)


@pytest.mark.parametrize(
    ("date", "unresolved"),
    [
        (dt.date.min, ["yesterday", "four days ago", "last week", "last Monday"]),
        (dt.date(1, 1, 3), ["four days ago", "last week"]),
        (dt.date(1, 12, 31), []),
        (dt.date.max, ["tomorrow", "next month", "next Sunday"]),
    ],
)
def test_relative_dates_at_the_ends_of_the_calendar_keep_their_finding(
    date: dt.date, unresolved: list[str]
) -> None:
    hits = list(relative_date(RELATIVE, CheckContext(date)))
    assert len(hits) == 7
    # Only a date before year 1 or after 9999 is left out; the finding stays.
    # An unresolved one has no replacement, only advice.
    undated = [RELATIVE[h.start : h.end] for h in hits if h.replacement is None]
    assert undated == unresolved
    for hit in hits:
        if hit.replacement is None:
            assert hit.advice is not None and hit.advice.startswith("give the date")
        else:
            assert hit.advice is None and hit.replacement.startswith(("on ", "in "))


def test_relative_dates_with_date_0001_01_01_through_the_command_line() -> None:
    args = ["check", "-", "--date", "0001-01-01", "--format", "json", "--glossary", GLOSSARY]
    proc = run(args, RELATIVE.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    rules = [f["rule"] for f in json.loads(proc.stdout)["findings"]]
    assert rules.count("en.dates.relative-day") == 7


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en", "en"), ("EN", "en"), ("pt-BR", "pt"), ("pt_BR", "pt"), ("zh-Hant-TW", "zh"),
     ("es-419", "es"), ("ckb", "ckb")],
)  # fmt: skip
def test_valid_language_codes(tag: str, code: str) -> None:
    assert language_code(tag) == code


def test_a_valid_language_with_a_region_runs() -> None:
    proc = run(["check", "-", "--lang", "pt-BR", "--glossary", GLOSSARY], ARTICLE)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "language pt," in proc.stdout.decode()


# ---------------------------------------------------------------- the library, not the CLI


@pytest.mark.parametrize("lang", ["../../x", "en/../../x", "", "e n", HOSTILE_LANG, "/etc"])
def test_library_refuses_a_language_that_is_not_a_code(lang: str) -> None:
    settings = default_settings(glossary_dir=GLOSSARY)
    with pytest.raises(InputError, match="language code"):
        clean("Some text here.", settings, language=lang)
    with pytest.raises(InputError, match="language code"):
        settings.rules(lang)
    with pytest.raises(InputError, match="language code"):
        load_rules(lang)


def test_clean_article_flow_refuses_a_bad_language_before_reading(tmp_path: Path) -> None:
    pytest.importorskip("prefect")
    from copydesk_flows.article import clean_article

    # The spec refuses it when Prefect makes it from the run's parameters.
    params = {"path": str(tmp_path / "none.txt"), "out_dir": str(tmp_path)}
    with pytest.raises(InputError, match="language code"):
        clean_article.validate_parameters({**params, "spec": {"language": "../x"}})
    assert list(tmp_path.iterdir()) == []


def test_ignore_refuses_read_only_memory_as_a_library_call(tmp_path: Path) -> None:
    from copydesk.errors import ConfigError
    from copydesk.memory import remember

    memory = tmp_path / "memory.yaml"
    memory.write_bytes(b"ignored: []\n")
    memory.chmod(stat.S_IRUSR)
    with pytest.raises(ConfigError, match="read-only"):
        remember(memory, "text", [])
    assert memory.read_bytes() == b"ignored: []\n"


# ---------------------------------------------------------------- permissions, in-process
# As root, permissions never refuse anything; these make the system refuse, to check the
# messages, whoever runs the suite.


def _main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from copydesk.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0), capsys.readouterr().err


def test_permission_denied_on_open_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(ARTICLE)
    real_open = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    status, err = _main(["check", str(secret), "--glossary", GLOSSARY], capsys)
    assert status == 2
    assert err == f"copydesk error: {secret}: permission denied; copydesk cannot read the file\n"


def test_out_folder_without_write_permission_is_refused_before_cleaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "good.txt").write_bytes(ARTICLE)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **kw: not (Path(p) == out and m & os.W_OK) and real_access(p, m)
    )
    import copydesk.pipeline

    def never(*_args: Any, **_kwargs: Any) -> None:
        msg = "cleaned although --out cannot be written"
        raise AssertionError(msg)

    monkeypatch.setattr(copydesk.pipeline, "clean", never)
    argv = ["clean", str(tmp_path / "good.txt"), "--out", str(out), "--glossary", GLOSSARY]
    status, err = _main(argv, capsys)
    assert (status, err) == (2, f"copydesk error: --out {out}: the folder is not writable\n")
    assert list(out.iterdir()) == []


def test_memory_folder_without_write_permission_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.errors import ConfigError
    from copydesk.memory import check_writable

    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, m, **kw: not (Path(p) == tmp_path and m & os.W_OK) and real_access(p, m),
    )
    with pytest.raises(ConfigError, match="cannot write the false-alarm memory here"):
        check_writable(tmp_path / "memory.yaml")
