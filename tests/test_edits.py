"""Replay, undo and composition of edits, including randomised round trips."""

from __future__ import annotations

import random

import pytest

from copydesk.edits import apply_edits, compose_edits, to_input_offset, undo_edits
from copydesk.model import Edit


def _random_edits(text: str, rng: random.Random, rule: str) -> list[Edit]:
    edits = []
    pos = 0
    alphabet = "abİı’\u200b \n\r«»،٣"
    while pos < len(text):
        start = pos + rng.randint(0, 4)
        if start > len(text):
            break
        end = min(len(text), start + rng.randint(0, 3))
        after = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3)))
        if text[start:end] != after and (end > start or after):
            edits.append(Edit(start, end, text[start:end], after, rule, applied=rng.random() < 0.8))
        pos = max(end, start) + 1
    return edits


@pytest.mark.parametrize("seed", range(200))
def test_compose_replays_and_undoes(seed: int) -> None:
    rng = random.Random(seed)
    original = "".join(rng.choice("Idleb Sotchi\n\r’İ«»،") for _ in range(rng.randint(0, 40)))
    first = _random_edits(original, rng, "first")
    middle = apply_edits(original, first)
    second = _random_edits(middle, rng, "second")
    final = apply_edits(middle, second)
    composed = compose_edits(first, second, original, middle)
    assert apply_edits(original, composed) == final
    assert undo_edits(final, composed) == original
    for e in composed:
        assert original[e.start : e.end] == e.before


def test_compose_merges_touching_edits() -> None:
    original = "Id\u200bleb"
    first = [Edit(2, 3, "\u200b", "", "en.fixes.invisible")]
    middle = apply_edits(original, first)
    second = [Edit(0, 5, "Idleb", "Idlib", "places.idlib")]
    (merged,) = compose_edits(first, second, original, middle)
    assert (merged.before, merged.after) == ("Id\u200bleb", "Idlib")
    assert merged.rule == "en.fixes.invisible + places.idlib"


def test_apply_rejects_wrong_before() -> None:
    with pytest.raises(ValueError, match="expects"):
        apply_edits("abc", [Edit(0, 1, "x", "y", "r")])


def test_apply_rejects_overlap() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "abc", "x", "r"), Edit(2, 4, "cd", "y", "s")])


def test_suggestions_never_change_text() -> None:
    edits = [Edit(0, 3, "abc", "xyz", "r", applied=False)]
    assert apply_edits("abcdef", edits) == "abcdef"
    assert undo_edits("abcdef", edits) == "abcdef"


def test_to_input_offset() -> None:
    edits = [Edit(3, 8, "Idleb", "Idlib (x)", "r")]
    cleaned = apply_edits("in Idleb now", edits)
    assert cleaned == "in Idlib (x) now"
    assert to_input_offset(cleaned.index("now"), edits) == 9
    assert to_input_offset(1, edits) == 1
    assert to_input_offset(5, edits) == 3
