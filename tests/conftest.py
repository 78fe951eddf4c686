"""Shared fixtures: paths to the project, the seed, the shared data and test glossaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.glossary import Glossary, load_glossary

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "sochi-summit.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def test_glossary() -> Glossary:
    return load_glossary(FIXTURES / "glossary")


@pytest.fixture(scope="session")
def shipped_glossary() -> Glossary:
    return load_glossary()


@pytest.fixture(scope="session")
def human_references() -> list[str]:
    """The distinct human reference translations of the shared MQM data."""
    path = SHARED_DATA / "mqm_en_ted_eval.jsonl"
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    refs: dict[str, None] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            refs.setdefault(json.loads(line)["reference"], None)
    return list(refs)
