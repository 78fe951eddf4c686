"""The fast TER count gives sacreBLEU's own numbers: on real lines and on random ones."""

from __future__ import annotations

import json
import random

import pytest
from sacrebleu.metrics.lib_ter import translation_edit_rate as sacrebleu_ter

from copydesk.pipeline import clean
from copydesk.scores.tercom import translation_edit_rate

from .conftest import SEED, SHARED_DATA


def _edited(words: list[str], rng: random.Random, vocabulary: int) -> list[str]:
    """``words`` with a few substitutions, insertions, deletions and moved blocks."""
    out = list(words)
    for _ in range(rng.randrange(1, 6)):
        kind = rng.random()
        if kind < 0.3 and out:
            out[rng.randrange(len(out))] = str(rng.randrange(vocabulary))
        elif kind < 0.5:
            out.insert(rng.randrange(len(out) + 1), str(rng.randrange(vocabulary)))
        elif kind < 0.7 and out:
            del out[rng.randrange(len(out))]
        elif len(out) > 2:
            start = rng.randrange(len(out))
            end = min(len(out), start + rng.randrange(1, 12))
            block = out[start:end]
            del out[start:end]
            target = rng.randrange(len(out) + 1)
            out[target:target] = block
    return out


def _random_pairs(count: int, seed: int) -> list[tuple[list[str], list[str]]]:
    """Pairs of every shape: small vocabularies (many equal words, many shift candidates),
    edited copies, unrelated texts, empty sides, lengths far apart (the beam widens)."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        vocabulary = rng.choice([2, 3, 5, 10, 50])
        ref = [str(rng.randrange(vocabulary)) for _ in range(rng.choice([0, 1, 2, 5, 10, 30, 70]))]
        if rng.random() < 0.5:
            hyp = _edited(ref, rng, vocabulary)
        else:
            length = int(len(ref) * rng.choice([0, 0.3, 0.9, 1, 1.1, 2, 4])) + rng.randrange(3)
            hyp = [str(rng.randrange(vocabulary)) for _ in range(length)]
        pairs.append((hyp, ref))
    return pairs


@pytest.mark.parametrize("seed", range(4))
def test_random_pairs_count_as_sacrebleu(seed: int) -> None:
    for hyp, ref in _random_pairs(120, seed):
        assert translation_edit_rate(hyp, ref) == sacrebleu_ter(hyp, ref), (hyp, ref)


def test_long_pairs_that_reach_the_candidate_limit_count_as_sacrebleu() -> None:
    # 250 words of a 3-word vocabulary: past 1,000 shift candidates, sacreBLEU stops
    # shifting and its count is what it had then.
    rng = random.Random(7)
    for _ in range(3):
        ref = [str(rng.randrange(3)) for _ in range(250)]
        hyp = _edited(ref, rng, 3)
        assert translation_edit_rate(hyp, ref) == sacrebleu_ter(hyp, ref)


def test_edge_cases_count_as_sacrebleu() -> None:
    cases = [
        ([], []),
        (["a"], []),
        ([], ["a", "b"]),
        (["a", "b"], ["b", "a"]),
        (["x"] * 120, ["y"]),
        (["y"], ["x"] * 120),  # the beam widens: the lengths' ratio is past 50
        (list("abcdefghij") * 3, list("jihgfedcba") * 3),
    ]
    for hyp, ref in cases:
        assert translation_edit_rate(hyp, ref) == sacrebleu_ter(hyp, ref), (hyp, ref)


def test_the_seed_articles_lines_count_as_sacrebleu() -> None:
    result = clean(SEED.read_text(encoding="utf-8"))
    pairs = [
        (hyp.split(), ref.split())
        for hyp, ref in zip(result.input.split("\n"), result.cleaned.split("\n"), strict=True)
        if hyp != ref
    ]
    assert pairs
    for hyp, ref in pairs:
        assert translation_edit_rate(hyp, ref) == sacrebleu_ter(hyp, ref)


def test_real_machine_translation_against_references_counts_as_sacrebleu() -> None:
    """Whole sentences of real MT against human references: many shifts and edits."""
    path = SHARED_DATA / "mqm_en_ted_eval.jsonl"
    if not path.is_file():
        pytest.skip(f"the shared data is not here: {path}")
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[::20]:  # about a hundred segments
        row = json.loads(line)
        hyp, ref = row["target"].lower().split(), row["reference"].lower().split()
        assert translation_edit_rate(hyp, ref) == sacrebleu_ter(hyp, ref), row["seg_id"]


def test_inputs_are_not_changed() -> None:
    hyp, ref = ["b", "a", "c"], ["a", "b", "c"]
    assert translation_edit_rate(hyp, ref) == (1, 3)  # one shift
    assert (hyp, ref) == (["b", "a", "c"], ["a", "b", "c"])
