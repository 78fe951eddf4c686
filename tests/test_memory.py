"""The false-alarm memory: a finding marked as fine stays suppressed, with a count in the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from copydesk.errors import ConfigError
from copydesk.memory import load_memory
from copydesk.pipeline import clean, default_settings

ARTICLE = "The minister said the talks were of great importance for the region.\n"
EDITED = (
    "Yesterday in Ankara. The minister said the talks were of great importance for the region.\n"
)
REWORDED = "The minister said the meeting was of great importance to everyone.\n"


def _copydesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args], capture_output=True, text=True, check=False
    )


def test_ignore_then_suppressed(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    memory = tmp_path / "false-alarms.yaml"
    before = clean(ARTICLE, default_settings(memory_file=memory))
    rules = [f.rule for f in before.findings]
    assert "en.intensifiers.great-abstract" in rules

    proc = _copydesk("ignore", str(article), "--rule", "en.intensifiers", "--note", "house style",
                     "--memory", str(memory))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert len(load_memory(memory).items) == 1

    settings = default_settings(memory_file=memory)
    after = clean(ARTICLE, settings)
    assert "en.intensifiers.great-abstract" not in [f.rule for f in after.findings]
    assert [f.rule for f in after.suppressed] == ["en.intensifiers.great-abstract"]
    assert "memory:" in str(after.signature)

    # An edit elsewhere in the article keeps it suppressed; rewording it brings it back.
    assert "en.intensifiers.great-abstract" not in [
        f.rule for f in clean(EDITED, settings).findings
    ]
    assert "en.intensifiers.great-abstract" in [f.rule for f in clean(REWORDED, settings).findings]

    report = json.loads(
        _copydesk("check", str(article), "--format", "json", "--memory", str(memory)).stdout
    )
    assert report["summary"]["suppressed"] == 1
    assert report["summary"]["suppressed_by_rule"] == {"en.intensifiers.great-abstract": 1}
    text = _copydesk("check", str(article), "--memory", str(memory)).stdout
    assert "1 finding(s) suppressed by the false-alarm memory" in text


def test_ignore_without_match_is_an_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    proc = _copydesk(
        "ignore", str(article), "--rule", "no.such.rule", "--memory", str(tmp_path / "m.yaml")
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("copydesk error: no finding")
    assert not (tmp_path / "m.yaml").exists()


ITEM = "ignored:\n  - rule: en.x\n    context: of great importance\n"

# Every kind of data error of a memory file, with where it points: file:line:col.
MEMORY_ERRORS = [
    ("- a\n", "1:1: false-alarm memory must be a mapping"),
    ("ignore: []\n", "1:1: false-alarm memory: 'ignore' is not a known key (allowed: ignored)"),
    (ITEM + "kept: []\n", "4:1: false-alarm memory: 'kept' is not a known key"),
    ("{}\n", "1:1: false-alarm memory: 'ignored' is missing"),
    ("ignored: {rule: x}\n", "1:1: false-alarm memory: 'ignored' must be a list"),
    ("ignored:\n  - en.x\n", "2:5: false-alarm memory: 'ignored' item must be a mapping"),
    (ITEM + "    reason: c\n", "4:5: ignored item: 'reason' is not a known key (allowed: context,"),
    ("ignored:\n  - context: a\n", "2:5: ignored item: 'rule' is missing"),
    ("ignored:\n  - rule: en.x\n", "2:5: ignored item: 'context' is missing"),
    (ITEM.replace("rule: en.x", "rule: 3"), "2:5: ignored item: 'rule' must be a non-empty"),
    ("ignored:\n  - rule: en.x\n    context: ''\n", "3:5: ignored item: 'context' must"),
    (ITEM + "    note: [a]\n", "4:5: ignored item: 'note' must be a string"),
    (ITEM + "    fingerprint: 12\n", "4:5: ignored item: 'fingerprint' must be a non-empty"),
    (ITEM + "    date: last week\n", "4:5: ignored item: 'date' must be a date such as"),
    (ITEM + "    date: '2026-02-30'\n", "4:5: ignored item: 'date' must be a date such as"),
    (ITEM + "    date: 2026-02-30\n", "4:11: YAML error: '2026-02-30' is not a valid date"),
    ("ignored:\n  - rule: [a\n", "3:1: YAML error"),
]


@pytest.mark.parametrize(("text", "error"), MEMORY_ERRORS)
def test_every_memory_error_names_file_line_and_column(
    tmp_path: Path, text: str, error: str
) -> None:
    path = tmp_path / "false-alarms.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_memory(path)
    assert str(info.value).startswith(f"{path}:{error}")


def test_memory_items_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "false-alarms.yaml"
    text = ITEM + "    fingerprint: abc\n    note: ''\n    date: 2026-01-31\n"
    path.write_text(text + "  - rule: en.y\n    context: 'A  “B”'\n    date: '2026-02-01'\n")
    first, second = load_memory(path).items
    assert (first.rule, first.context, first.note, first.date) == (
        "en.x",
        "of great importance",
        "",
        "2026-01-31",
    )
    assert (second.context, second.date) == ('a "b"', "2026-02-01")
