"""The docs follow the code: every file they name exists, and they hold no machine's paths.

A maintainer reads ``README.md``, ``docs/`` and the data folders' READMEs to find where a
stage, a rule or a test lives; a renamed module must not leave them pointing at nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = sorted(
    [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        ROOT / "rules" / "README.md",
        ROOT / "glossary" / "README.md",
    ]
)
# A file name in backticks: `pipeline.py`, `src/copydesk/rules/fixes.py`, `docs/scaling.md`.
_NAMED_FILE = re.compile(r"`([A-Za-z0-9_./-]+\.(?:py|md|yaml|toml))`")
# Where a bare module name or a relative path may live.
_BASES = (ROOT, ROOT / "src", ROOT / "src" / "copydesk", ROOT / "src" / "copydesk_flows")
_SEARCHED = ("src", "tests", "bench")
# Absolute paths of one machine (a home, a checkout, a virtual environment outside the project);
# deployment examples under /srv are placeholders a desk replaces.
_MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|home|root|tmp|Users)/[\w.-]")


def _exists(name: str) -> bool:
    if "/" in name:
        return any((base / name).exists() for base in _BASES)
    # A bare name: only modules are checked (a bare .md or .yaml is an example file name).
    return not name.endswith(".py") or any(
        next((ROOT / folder).rglob(name), None) is not None for folder in _SEARCHED
    )


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_named_file_exists(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    missing = sorted({m for m in _NAMED_FILE.findall(text) if not _exists(m)})
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_machine_specific_paths(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    found = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if _MACHINE_PATH.search(line)
    ]
    assert not found, f"{doc.name} holds paths of one machine: {found}"


def test_the_file_check_catches_a_stale_name() -> None:
    assert _exists("pipeline.py")
    assert _exists("copydesk_flows/inbox.py")
    assert not _exists("no_such_module.py")
    assert not _exists("docs/no-such-page.md")
    assert _MACHINE_PATH.search("run /work/venv/bin/pytest")
    assert not _MACHINE_PATH.search("run .venv/bin/pytest and see docs/scaling.md")
