"""Transliteration keys, glossary discovery and the consistency checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from copydesk.discover import Article, discover, name_candidates, proposals_yaml
from copydesk.findings.consistency import (
    iter_inconsistent_names,
    name_spellings,
    spellings_across,
)
from copydesk.findings.spelling import glossary_lexicon
from copydesk.glossary import load_glossary
from copydesk.translit import name_key, same_vowels, similarity, skeleton
from tests.conftest import SHARED_DATA

GLOSSARY = load_glossary()
KNOWN = glossary_lexicon(GLOSSARY, "en").known


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jabhat al-Nusra", "Jebhat an-Nousrah"),  # article forms, e/a, ou/u, -ah
        ("Raqqa", "Al-Raqqah"),  # article, -ah
        ("Hasakiyah", "Hasakiya"),  # -iyah/-iya
        ("ʿAfrīn", "Afrin"),  # ayn mark, diacritics
        ("Ghap’an", "Ghapan"),  # hamza/apostrophe
        ("Qusayr", "Kusair"),  # q/k, y/i
        ("Lattakia", "Latakia"),  # doubled letters
    ],
)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(("a", "b"), [("Idlib", "Aleppo"), ("Homs", "Hama"), ("Liyan", "Libyan")])
def test_other_names_have_other_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_vowels_and_similarity_tell_names_with_one_skeleton_apart() -> None:
    assert skeleton("serie") == skeleton("syria")
    assert not same_vowels("serie", "syria")
    assert same_vowels("menbij", "manbij")
    assert similarity("Menbij", "Manbij") > similarity("Menbij", "Mosul")


def test_name_candidates_join_words_with_the_article() -> None:
    found = [c for _, _, c in name_candidates("Fighters of Jabhat an-Nusra left Al Bab.")]
    assert "Jabhat an-Nusra" in found
    assert "Al Bab" in found
    assert "of" not in " ".join(found).split()


def test_discover_proposes_unseen_spellings_with_evidence() -> None:
    text = "Strikes hit Edleb.\nLater the Jebhat an-Nousrah fighters left Edleb.\nHomes burnt.\n"
    proposals = discover([Article("a.txt", text)], GLOSSARY)
    by_variant = {p.variant: p for p in proposals}
    edleb = by_variant["Edleb"]
    assert edleb.entry == "places.idlib"
    assert edleb.match == "key"
    assert edleb.count == 2
    assert [(s.file, s.line) for s in edleb.seen] == [("a.txt", 1), ("a.txt", 2)]
    assert by_variant["Jebhat an-Nousrah"].entry == "organisations.nusra-front"
    assert "Homes" not in by_variant  # an ordinary word, not Homs


def test_discover_never_proposes_what_the_glossary_has() -> None:
    text = "Shelling in Idlib, Menbij and Manbij; Qamishlo was quiet."
    assert discover([Article("a.txt", text)], GLOSSARY) == []


def test_proposals_yaml_can_be_pasted_as_variants() -> None:
    proposals = discover([Article("a.txt", "Strikes hit Edleb.")], GLOSSARY)
    data = yaml.safe_load(proposals_yaml(proposals, 1))
    first = data["proposals"][0]
    assert first["entry"] == "places.idlib"
    assert first["file"] == "places.yaml"
    assert first["variants"] == ["Edleb"]
    assert first["evidence"]["seen"][0] == {
        "file": "a.txt",
        "line": 1,
        "context": "Strikes hit Edleb.",
    }


def test_discover_command(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Strikes hit Edleb.\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", "glossary", "discover", str(article)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "- Edleb" in proc.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "copydesk", "glossary", "discover", str(tmp_path / "no.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert missing.stderr.startswith("copydesk error:")
    assert "Traceback" not in missing.stderr


def test_consistency_names_both_spellings_and_counts() -> None:
    text = "Khaled Mishaal was in Doha. Meshaal met the emir, and Mishaal left on Friday."
    (finding,) = iter_inconsistent_names(text, "en", KNOWN)
    assert finding.text == "Meshaal"
    assert "'Meshaal' (1x)" in finding.message and "'Mishaal' (2x)" in finding.message
    assert finding.replacement is None


@pytest.mark.parametrize(
    "text",
    [
        "Strikes hit Edleb. Idlib was quiet.",  # a glossary spelling: the spelling checker's
        "Syria and the Syrians met.",  # a demonym
        "Homes in Homs burnt. Hams were sold.",  # ordinary words
        "ISIS and Isis.",  # capitals only
    ],
)
def test_consistency_leaves_other_pairs_alone(text: str) -> None:
    assert list(iter_inconsistent_names(text, "en", KNOWN)) == []


def test_consistency_in_russian_tells_case_forms_from_spellings() -> None:
    known = glossary_lexicon(GLOSSARY, "ru").known
    text = "Посол Рванды прибыл. В Рванде тихо. Розендейл молчит, а Росендейл ответил."
    (finding,) = iter_inconsistent_names(text, "ru", known)
    assert {finding.text} <= {"Розендейл", "Росендейл"}
    assert "Рванд" not in finding.message


def test_spellings_across_articles() -> None:
    a = name_spellings("Meshaal spoke. Meshaal left.", "en", KNOWN)
    b = name_spellings("Mishaal spoke.", "en", KNOWN)
    c = name_spellings("Nobody spoke.", "en", KNOWN)
    (group,) = spellings_across({"a.txt": a, "b.txt": b, "c.txt": c})
    assert group.spellings == (("Meshaal", 2, ("a.txt",)), ("Mishaal", 1, ("b.txt",)))
    assert spellings_across({"a.txt": a, "c.txt": c}) == []


@pytest.mark.skipif(not (SHARED_DATA / "mqm_en_ted_eval.jsonl").exists(), reason="no shared data")
def test_consistency_is_silent_on_human_references() -> None:
    import json

    seen: dict[str, dict[int, str]] = {}
    for line in (SHARED_DATA / "mqm_en_ted_eval.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        seen.setdefault(row["doc"], {})[row["seg_id"]] = row["reference"]
    findings = [
        f
        for segments in seen.values()
        for f in iter_inconsistent_names("\n".join(segments.values()), "en", KNOWN)
    ]
    assert findings == []


def test_batch_summary_lists_spellings_across_articles() -> None:
    from copydesk.batch.model import Outcome
    from copydesk.batch.summary import batch_summary_markdown

    outcomes = [
        Outcome("a.txt", "cleaned", words=10, names={"Meshaal": 2}),
        Outcome("b.txt", "cleaned", words=10, names={"Mishaal": 1, "Doha": 1}),
    ]
    page = batch_summary_markdown("in", "out", "q", "k", outcomes, [])
    assert "## Name spellings that differ across articles" in page
    assert "| Meshaal (2: a.txt); Mishaal (1: b.txt) |" in page
    alone = batch_summary_markdown("in", "out", "q", "k", outcomes[:1], [])
    assert "Name spellings" not in alone


def test_cleaning_an_inbox_article_records_its_name_spellings(tmp_path: Path) -> None:
    from copydesk.batch.model import Planned
    from copydesk.batch.process import process_articles
    from copydesk.settings import SettingsSpec, load_settings

    inbox, outbox, quarantine = tmp_path / "in", tmp_path / "out", tmp_path / "q"
    for folder in (inbox, outbox, quarantine):
        folder.mkdir()
    article = inbox / "a.txt"
    article.write_text("Meshaal spoke in Doha on Monday. Meshaal left.\n", encoding="utf-8")
    stat = article.stat()
    settings = load_settings(SettingsSpec())
    (outcome,) = process_articles(
        [Planned(str(article), stat.st_size, stat.st_mtime_ns)], settings, outbox, quarantine
    )
    assert outcome.status == "cleaned", outcome.reason
    assert outcome.names["Meshaal"] == 2
    assert "Doha" not in outcome.names  # the English word list knows it: not a name here
