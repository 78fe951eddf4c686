"""``rules/README.md`` lists what the rule loader accepts, and the registered code checks.

Each table of keys in the README must list exactly the keys the loader accepts at that place
(so a key it refuses is never documented), ``extends`` must name every way a rule matches,
and "Available checks" must name exactly the registered ``extends: check`` functions.
"""

from __future__ import annotations

import re

import pytest

from copydesk.rules import CHECKS, PACK_EXTENDS, shipped_rules_root
from copydesk.rules.loader import (
    DEFAULT_KEYS,
    EXAMPLE_KEYS,
    FILE_KEYS,
    RULE_KEYS,
    SOURCED_EXAMPLE_KEYS,
)
from copydesk.rules.model import CHECKER

README = (shipped_rules_root() / "README.md").read_text(encoding="utf-8")


def table_keys(heading: str) -> set[str]:
    """The backticked names in the first column of the first table under ``heading``."""
    lines = README.splitlines()
    start = lines.index(heading)
    keys: set[str] = set()
    in_table = False
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            in_table = True
            keys.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
        elif in_table or line.startswith("#"):
            break
    return keys


@pytest.mark.parametrize(
    ("heading", "accepted"),
    [
        ("### The keys of a rule file", FILE_KEYS),
        ("### The keys of `defaults`", DEFAULT_KEYS),
        ("## The keys of a rule", RULE_KEYS),
        ("### The keys of `examples`", EXAMPLE_KEYS),
        ("### The keys of an example with a source", SOURCED_EXAMPLE_KEYS),
    ],
)
def test_readme_lists_the_keys_the_loader_accepts(heading: str, accepted: frozenset[str]) -> None:
    assert table_keys(heading) == set(accepted)


def test_readme_names_every_way_a_rule_matches() -> None:
    (row,) = [line for line in README.splitlines() if line.startswith("| `extends` |")]
    assert set(re.findall(r"`([^`]+)`", row)) - {"extends"} == {*PACK_EXTENDS, CHECKER}
    for extends in (*PACK_EXTENDS, CHECKER):
        assert f"### `extends: {extends}`" in README


def test_readme_lists_the_registered_checks() -> None:
    (paragraph,) = re.findall(r"Available checks:([^.]*)\.", README)
    assert set(re.findall(r"`([^`]+)`", paragraph)) == set(CHECKS)


def test_table_keys_reads_only_its_own_table() -> None:
    assert table_keys("### The keys of `examples`") == {"flag", "pass", "lang"}
