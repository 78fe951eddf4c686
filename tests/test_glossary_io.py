"""Glossary import and export: TBX-Basic, Google term sets, DeepL/Google pairs.

Round trips are lossless: copydesk -> format -> copydesk gives the same entries (for TBX
every field; for CSV/TSV what the format carries), and export -> import -> export gives the
same file. Hostile or malformed files stop with one ``file:line:col`` error.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from copydesk.errors import GlossaryError
from copydesk.glossary import Entry, Glossary, load_glossary
from copydesk.glossary_io import (
    Imported,
    ImportOptions,
    entry_data,
    entry_sources,
    export_glossary,
    glossary_files,
    import_glossary,
)
from copydesk.normalize import normalize_terms_and_explain

from .conftest import ROOT
from .test_cli import run

# Whether entries carry source-language spellings (``sources:``) in this glossary model.
HAS_SOURCES = "sources" in {f.name for f in fields(Entry)}
SAMPLES = Path(__file__).parent / "fixtures" / "glossary_io"
SHIPPED = ROOT / "glossary"

# (sample, format, options): files written from each format's specification.
SAMPLE_FILES = [
    ("syria-terms.tbx", "tbx", ImportOptions()),
    ("deepl-en-de.tsv", "tsv", ImportOptions(source_lang="en", target_lang="de")),
    ("deepl-en-fr.csv", "csv", ImportOptions()),
    ("google-pairs-ru-en.csv", "csv", ImportOptions(source_lang="ru", target_lang="en")),
    ("google-term-sets.csv", "csv", ImportOptions()),
]


def _data(entries: Any) -> list[tuple[str, str]]:
    """Each entry's id and data (as sortable text): what a glossary file says of it. The
    order of an entry's languages means nothing (``forms`` is a mapping)."""
    return [(e.id, json.dumps(entry_data(e), sort_keys=True)) for e in entries]


def _as_glossary(imported: Imported, folder: Path) -> Glossary:
    """Write the imported entries as glossary files and load them as copydesk does."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in glossary_files(imported).items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_glossary(folder)


def _languages(options: ImportOptions) -> dict[str, str | None]:
    return {"source_lang": options.source_lang, "target_lang": options.target_lang}


def _pair_languages(sample: str, options: ImportOptions) -> dict[str, str | None]:
    # DeepL's four-column CSV names its languages in the rows; export needs them named.
    return {"source_lang": "en", "target_lang": "fr"} if "en-fr" in sample else _languages(options)


def test_shipped_glossary_survives_tbx_whole(tmp_path: Path) -> None:
    shipped = load_glossary(SHIPPED)
    tbx = tmp_path / "glossary.tbx"
    tbx.write_text(export_glossary(shipped, "tbx").text, encoding="utf-8")
    imported = import_glossary(tbx, "tbx")
    assert _data(imported.entries) == _data(shipped.entries)
    again = _as_glossary(imported, tmp_path / "back")
    assert _data(again.entries) == _data(shipped.entries)
    assert again.attributions == shipped.attributions
    assert export_glossary(again, "tbx").text == tbx.read_text(encoding="utf-8")


def test_tbx_carries_what_tbx_basic_has_no_field_for(tmp_path: Path) -> None:
    shipped = load_glossary(SHIPPED)
    # The shipped entries set no case or entry-wide apply: give two of them one.
    first, second, *rest = shipped.entries
    entries = (replace(first, case="insensitive"), replace(second, apply=False), *rest)
    glossary = replace(shipped, entries=entries)
    text = export_glossary(glossary, "tbx").text
    # Per-variant apply, replacements per language, examples, case: documented notes.
    assert "<note>copydesk-apply: false</note>" in text
    assert '<note>copydesk-to: {"en": ' in text
    assert '<note>copydesk-example: {"kind": "change", ' in text
    assert text.count("<note>copydesk-case: insensitive</note>") == 1
    assert "termType" in text  # later forms are preferred short forms
    path = tmp_path / "glossary.tbx"
    path.write_text(text, encoding="utf-8")
    assert _data(import_glossary(path, "tbx").entries) == _data(entries)


@pytest.mark.parametrize(
    ("fmt", "languages"),
    [("tbx", {}), ("csv", {}), ("csv", {"source_lang": "ru", "target_lang": "en"}),
     ("tsv", {"source_lang": "en", "target_lang": "de"})],
)  # fmt: skip
def test_export_import_export_gives_the_same_file(
    tmp_path: Path, fmt: str, languages: dict[str, str]
) -> None:
    shipped = load_glossary(SHIPPED)
    first = export_glossary(shipped, fmt, **languages)
    path = tmp_path / f"glossary.{fmt}"
    path.write_text(first.text, encoding="utf-8")
    imported = import_glossary(path, fmt, ImportOptions(**languages))
    assert len(imported.entries) == first.written > 0
    again = _as_glossary(imported, tmp_path / "back")
    assert export_glossary(again, fmt, **languages).text == first.text


@pytest.mark.parametrize(
    ("sample", "fmt", "options"), SAMPLE_FILES, ids=[s[0] for s in SAMPLE_FILES]
)
def test_sample_import_export_import_gives_the_same_glossary(
    tmp_path: Path, sample: str, fmt: str, options: ImportOptions
) -> None:
    imported = import_glossary(SAMPLES / sample, fmt, options)
    glossary = _as_glossary(imported, tmp_path / "first")
    # A folder loads its files by name: compare entries by id, not by position.
    assert sorted(_data(glossary.entries)) == sorted(_data(imported.entries))
    languages = _pair_languages(sample, options)
    exported = export_glossary(glossary, fmt, **languages)
    assert exported.skipped == 0
    path = tmp_path / f"again.{fmt}"
    path.write_text(exported.text, encoding="utf-8")
    options = replace(options, **languages)
    again = _as_glossary(import_glossary(path, fmt, options), tmp_path / "second")
    assert _data(again.entries) == _data(glossary.entries)


def test_tbx_statuses_map_to_house_forms_accepted_spellings_and_variants() -> None:
    imported = import_glossary(SAMPLES / "syria-terms.tbx", "tbx")
    idlib, hts, deir = imported.entries
    # subjectField names the domain; the house form names the entry; en-US is en.
    assert idlib.id == "places.idlib"
    assert idlib.forms["en"].first == "Idlib" and idlib.forms["ru"].first == "Идлиб"
    # deprecated (tig) and superseded (ntig) terms are variants
    assert [v.text for v in idlib.variants] == ["Idleb", "Edlib"]
    assert idlib.notes == "City and governorate in north-western Syria."
    assert idlib.source == "UN OCHA Syria place names"
    # a preferred acronym is the later form; an admitted term stays (a keep example)
    assert hts.id == "organisations.hayat-tahrir-al-sham-hts"
    assert (hts.forms["en"].first, hts.forms["en"].later) == ("Hayat Tahrir al-Sham (HTS)", "HTS")
    assert [(x.text, x.result, x.lang) for x in hts.examples] == [("Tahrir al-Sham", None, "en")]
    assert [v.text for v in hts.variants] == ["Levant Liberation Committee"]
    # no status at all: the first term is the house form, the others are accepted
    assert deir.id == "imported.deir-ez-zor"
    assert deir.forms["en"].first == "Deir ez-Zor"
    assert [x.text for x in deir.examples] == ["Deir Ezzor"]
    assert imported.attributions[0].startswith("Sample data")


SOURCE_TERMS = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic"><text><body>
  <termEntry id="places.idlib">
    <langSet xml:lang="en"><tig><term>Idlib</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig></langSet>
    <langSet xml:lang="ar"><tig><term>إدلب</term>
      <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
      <note>copydesk-role: source</note></tig></langSet>
  </termEntry>
</body></text></martif>
"""


def test_source_spellings_travel_as_marked_terms(tmp_path: Path) -> None:
    path = tmp_path / "sources.tbx"
    path.write_text(SOURCE_TERMS, encoding="utf-8")
    if not HAS_SOURCES:
        with pytest.raises(GlossaryError, match="no source-language spellings"):
            import_glossary(path, "tbx")
        return
    (entry,) = import_glossary(path, "tbx").entries
    assert entry_sources(entry) == {"ar": ("إدلب",)}
    assert set(entry.forms) == {"en"} and not entry.examples
    text = export_glossary(Glossary((entry,), "x"), "tbx").text
    assert "<note>copydesk-role: source</note>" in text
    again = tmp_path / "again.tbx"
    again.write_text(text, encoding="utf-8")
    assert _data(import_glossary(again, "tbx").entries) == _data([entry])


def test_imported_glossary_normalises_and_keeps(tmp_path: Path) -> None:
    glossary = _as_glossary(import_glossary(SAMPLES / "syria-terms.tbx", "tbx"), tmp_path)
    text = "Shelling hit Idleb and Edlib. Tahrir al-Sham and the Levant Liberation Committee."
    cleaned, _ = normalize_terms_and_explain(text, glossary, "en")
    assert cleaned == (
        "Shelling hit Idlib and Idlib. Tahrir al-Sham and the Hayat Tahrir al-Sham (HTS)."
    )


def test_csv_pairs_keep_quotes_commas_and_languages() -> None:
    imported = import_glossary(SAMPLES / "deepl-en-fr.csv", "csv")
    forms = [(e.forms["en"].first, e.forms["fr"].first) for e in imported.entries]
    assert forms[2] == ("Kurdistan Workers' Party, PKK", "Parti des travailleurs du Kurdistan, PKK")
    assert forms[3] == ('the so-called "buffer zone"', "la prétendue « zone tampon »")


def test_given_languages_make_a_csv_a_pair_file(tmp_path: Path) -> None:
    path = tmp_path / "en-fr.csv"
    path.write_text("EU,UE\nSochi,Sotchi\n", encoding="utf-8")
    pairs = import_glossary(path, "csv", ImportOptions(source_lang="en", target_lang="fr"))
    assert [(e.forms["en"].first, e.forms["fr"].first) for e in pairs.entries] == [
        ("EU", "UE"), ("Sochi", "Sotchi"),
    ]  # fmt: skip
    # without languages, a first row of codes is Google's term-set header
    (entry,) = import_glossary(path, "csv").entries
    assert {lang: f.first for lang, f in entry.forms.items()} == {"eu": "Sochi", "ue": "Sotchi"}


def test_google_term_sets_give_every_language_and_the_description() -> None:
    sochi = import_glossary(SAMPLES / "google-term-sets.csv", "csv").entries[0]
    assert {lang: f.first for lang, f in sochi.forms.items()} == {
        "en": "Sochi", "fr": "Sotchi", "de": "Sotschi", "ru": "Сочи",
    }  # fmt: skip
    assert sochi.notes == "Russian resort city on the Black Sea"


def test_pairs_leave_out_entries_without_both_languages() -> None:
    shipped = load_glossary(SHIPPED)
    exported = export_glossary(shipped, "tsv", "ru", "en")
    both = [e for e in shipped.entries if "ru" in e.forms and "en" in e.forms]
    assert exported.written + exported.skipped == len(shipped.entries)
    assert 0 < exported.written <= len(both)
    with pytest.raises(GlossaryError, match="one language pair"):
        export_glossary(shipped, "tsv")


@pytest.mark.parametrize(
    ("sample", "fmt", "where", "problem"),
    [
        ("entity-expansion.tbx", "tbx", ":3:", "entity declarations are refused"),
        ("external-entity.tbx", "tbx", ":3:", "entity declarations are refused"),
        ("malformed.tbx", "tbx", ":8:11:", "XML error: mismatched tag"),
        ("bad-status.tbx", "tbx", ":7:11:", "administrativeStatus 'favouriteTerm-admn-sts'"),
        ("unterminated.csv", "csv", ":2:1:", "CSV error"),
        ("deepl-en-de.tsv", "tsv", ":1:1:", "give --source-lang and --target-lang"),
    ],
)
def test_bad_files_name_file_line_and_column(
    sample: str, fmt: str, where: str, problem: str
) -> None:
    with pytest.raises(GlossaryError) as caught:
        import_glossary(SAMPLES / sample, fmt)
    message = str(caught.value)
    assert message.startswith(str(SAMPLES / sample) + where), message
    assert problem in message


def test_cli_import_and_export(tmp_path: Path) -> None:
    out = tmp_path / "glossary"
    proc = run("glossary", "import", str(SAMPLES / "syria-terms.tbx"), "--format", "tbx",
               "--output", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "imported.yaml",
        "organisations.yaml",
        "places.yaml",
    ]
    assert run("glossary", "lint", "--glossary", str(out)).returncode == 0
    # an existing file is never replaced unless asked
    again = run("glossary", "import", str(SAMPLES / "syria-terms.tbx"), "--format", "tbx",
                "--output", str(out))  # fmt: skip
    assert again.returncode == 2
    assert again.stderr.startswith("copydesk error: ") and "--force" in again.stderr
    target = tmp_path / "out.tbx"
    proc = run(
        "glossary", "export", "--glossary", str(out), "--format", "tbx", "--output", str(target)
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 entries written" in proc.stdout
    assert target.read_text(encoding="utf-8") == export_glossary(load_glossary(out), "tbx").text
    # A pair file's languages are named like an article's: a region or capitals name the
    # language's forms.
    pairs = {}
    for langs in (("en", "de"), ("EN", "de-DE")):
        pairs[langs] = tmp_path / f"{langs[1]}.csv"
        proc = run("glossary", "export", "--glossary", str(out), "--format", "csv",
                   "--source-lang", langs[0], "--target-lang", langs[1],
                   "--output", str(pairs[langs]))  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    plain, regional = (path.read_text(encoding="utf-8") for path in pairs.values())
    assert plain == regional and plain.count("\n") >= 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_bad_file_is_one_error_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "glossary"
    proc = run("glossary", "import", str(SAMPLES / "entity-expansion.tbx"), "--format", "tbx",
               "--output", str(out))  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"copydesk error: {SAMPLES / 'entity-expansion.tbx'}:3:")
    assert not out.exists()
    proc = run("glossary", "export", "--format", "csv", "--source-lang", "english",
               "--output", str(tmp_path / "x.csv"))  # fmt: skip
    assert proc.returncode == 2 and "a language code such as 'en'" in proc.stderr
