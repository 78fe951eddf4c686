"""Shared fixtures: paths to the project, the seed, the shared data and test glossaries."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, settings

from copydesk.glossary import Glossary, load_glossary
from copydesk_flows._prefect import apply_env_defaults

# The suite's own cache folder (every subprocess inherits it): tests never read or write the
# user's cache of loaded data.
_TEST_CACHE = tempfile.mkdtemp(prefix="copydesk-test-cache-")
os.environ["COPYDESK_CACHE_DIR"] = _TEST_CACHE
atexit.register(shutil.rmtree, _TEST_CACHE, ignore_errors=True)

# The quiet, offline Prefect defaults that `copydesk run` applies before a flow runs, for
# the flows these tests run in this process.
apply_env_defaults()

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "sochi-summit.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).parent / "fixtures"
# ``copydesk`` with ``copydesk run`` registered, for ``python -c`` in a subprocess.
CLI = (
    "from copydesk.cli import cli, main; from copydesk_flows.cli import run; "
    "cli.add_command(run); main()"
)


def prefect_env(prefect_home: Path, **overrides: str) -> dict[str, str]:
    """This environment without PREFECT_* settings: a Prefect home of its own, quiet, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def cli_command(*path: str) -> click.Command:
    """The ``copydesk`` command at ``path``, such as ``("run", "clean-article")``."""
    from copydesk.cli import cli

    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group), path
        found = command.get_command(click.Context(command), name)
        assert found is not None, path
        command = found
    return command


# Property tests (tests/test_properties.py). "ci", the default: a fixed seed and few examples,
# so the suite is fast and gives the same verdict on every run. "thorough": a long random
# search, COPYDESK_HYPOTHESIS=thorough (COPYDESK_HYPOTHESIS_EXAMPLES sets how many examples).
_COMMON = settings(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("ci", _COMMON, max_examples=100, derandomize=True)
examples = int(os.environ.get("COPYDESK_HYPOTHESIS_EXAMPLES", "5000"))
settings.register_profile("thorough", _COMMON, max_examples=examples)
settings.load_profile(os.environ.get("COPYDESK_HYPOTHESIS", "ci"))


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
