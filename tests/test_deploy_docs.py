"""The install, test, server and scaling commands the docs give are the ones that work.

README's test command is the one ``.ci/run`` runs, and it installs the system packages the
suite needs (``scripts/test-deps.sh``); every server command turns analytics off; every
Dask command binds 127.0.0.1; ``docs/scaling.md`` gives the scale-out test's steps in its
order.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SCALING = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
TEST_DEPS = ROOT / "scripts" / "test-deps.sh"

# The commands of tests/test_scale_out.py, in the order it runs them.
SCALE_OUT_STEPS = (
    "initdb -D",
    "pg_ctl -D",
    "psql -h 127.0.0.1",
    "PREFECT_API_DATABASE_CONNECTION_URL=",
    "prefect server start",
    "prefect work-pool create copydesk --type process",
    "prefect --no-prompt deploy --all",
    "prefect worker start --pool copydesk --name worker-1",
    "prefect worker start --pool copydesk --name worker-2",
    "prefect deployment run 'clean-inbox/inbox'",
)


def shell_commands(markdown: str) -> list[str]:
    """The commands of the ``sh`` blocks, continuation lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", markdown, flags=re.S)
    joined = "\n".join(blocks).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip()]


def test_readme_test_command_is_what_ci_runs() -> None:
    ci_command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_command.startswith("scripts/test-deps.sh && ")
    assert ci_command in shell_commands(README)
    assert os.access(TEST_DEPS, os.X_OK)


def test_server_commands_turn_analytics_off() -> None:
    starts = [c for c in shell_commands(README + SCALING) if "prefect server start" in c]
    assert len(starts) >= 3
    for command in starts:
        assert "PREFECT_SERVER_ANALYTICS_ENABLED=false" in command, command


def test_dask_commands_bind_loopback() -> None:
    dask = [c for c in shell_commands(SCALING) if re.search(r"\bdask (scheduler|worker)\b", c)]
    assert len(dask) == 2
    for command in dask:
        assert "--host 127.0.0.1" in command and "--dashboard-address 127.0.0.1:" in command


def test_scaling_doc_follows_the_scale_out_test() -> None:
    test_source = (ROOT / "tests" / "test_scale_out.py").read_text(encoding="utf-8")
    commands = shell_commands(SCALING)
    position = 0
    for step in SCALE_OUT_STEPS:
        found = next((i for i in range(position, len(commands)) if step in commands[i]), None)
        assert found is not None, f"docs/scaling.md lacks {step!r} after {commands[position]!r}"
        position = found
        words = [w for w in re.split(r"[\s=]+", step) if w and w not in {"prefect"}]
        assert any(w.strip("'") in test_source for w in words), step


def _fake_path(tmp_path: Path, present: set[str]) -> Path:
    """A PATH with the shell tools the script uses, ``present`` programs, and an apt-get
    and a sudo that only record their arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("sh", "ls", "id", "echo", "cat"):
        real = next(Path(d) / tool for d in ("/usr/bin", "/bin") if (Path(d) / tool).exists())
        (bin_dir / tool).symlink_to(real)
    for name in present:
        (bin_dir / name).write_text("#!/bin/sh\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    for recorder in ("apt-get", "sudo"):
        (bin_dir / recorder).write_text(
            f'#!/bin/sh\necho "{recorder} $*" >> "{tmp_path}/calls"\n'
            + ('[ "$1" = apt-get ] && shift && exec apt-get "$@"\n' if recorder == "sudo" else ""),
            encoding="utf-8",
        )
        (bin_dir / recorder).chmod(0o755)
    return bin_dir


DICTIONARIES = ("de_DE", "fr_FR", "es_ES", "ru_RU")


def _run_test_deps(
    tmp_path: Path, present: set[str], dictionaries: tuple[str, ...] = DICTIONARIES
) -> list[str]:
    bin_dir = _fake_path(tmp_path, present)
    dictionary_dir = tmp_path / "hunspell"
    dictionary_dir.mkdir()
    for name in dictionaries:
        (dictionary_dir / f"{name}.dic").write_text("1\nword\n", encoding="utf-8")
    done = subprocess.run(
        [str(bin_dir / "sh"), str(TEST_DEPS)],
        env={"PATH": str(bin_dir), "COPYDESK_HUNSPELL_DIR": str(dictionary_dir)},
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    calls = tmp_path / "calls"
    return calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []


def test_test_deps_installs_only_what_is_missing(tmp_path: Path) -> None:
    assert _run_test_deps(tmp_path / "all", {"chromium", "initdb"}) == []
    calls = _run_test_deps(tmp_path / "none", {"initdb"})
    installs = [c for c in calls if c.startswith("apt-get install")]
    assert len(installs) == 1 and installs[0].split()[-1] == "chromium"
    assert ("sudo apt-get install" in "\n".join(calls)) == (os.geteuid() != 0)


def test_test_deps_installs_the_missing_spelling_dictionaries(tmp_path: Path) -> None:
    calls = _run_test_deps(tmp_path, {"chromium", "initdb"}, dictionaries=("fr_FR",))
    installs = [c for c in calls if c.startswith("apt-get install")]
    assert len(installs) == 1
    assert installs[0].split()[-3:] == ["hunspell-de-de", "hunspell-es", "hunspell-ru"]
