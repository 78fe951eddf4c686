"""The false-alarm memory: a finding marked as fine stays suppressed, with a count in the report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
