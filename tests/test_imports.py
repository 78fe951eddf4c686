"""The package imports its modules when they are asked for: each one imports on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import copydesk

PACKAGE = Path(copydesk.__file__).parent
MODULES = sorted(
    "copydesk." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    for path in PACKAGE.rglob("*.py")
    if path.name != "__main__.py"
)


def _imported_after(statement: str) -> set[str]:
    code = f"{statement}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_every_module_imports_first_and_alone() -> None:
    # One interpreter per module: no import order hides a cycle.
    code = (
        "import importlib, subprocess, sys\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    done = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True)\n"
        "    if done.returncode:\n"
        "        failed.append((name, done.stderr.decode()[-300:]))\n"
        "print(failed)\n"
    )
    modules = [m.removesuffix(".__init__") for m in MODULES]
    done = subprocess.run(
        [sys.executable, "-c", code, *modules], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_package_names_load_their_modules_when_asked_for() -> None:
    loaded = _imported_after("import copydesk")
    assert "copydesk.pipeline" not in loaded and "copydesk.glossary" not in loaded
    loaded = _imported_after("from copydesk import clean, Settings, InputError")
    assert {"copydesk.pipeline", "copydesk.settings", "copydesk.errors"} <= loaded
    assert set(copydesk.__all__) <= set(dir(copydesk))
    assert all(getattr(copydesk, name) is not None for name in copydesk.__all__)
    assert copydesk.pipeline.clean is copydesk.clean  # a submodule as an attribute


def test_importing_the_command_line_loads_no_pipeline() -> None:
    # The pipeline and its data load when a command runs, not for --help or --version.
    loaded = _imported_after("import copydesk.cli")
    assert "copydesk.pipeline" not in loaded and "copydesk.rules" not in loaded
