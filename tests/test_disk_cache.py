"""The disk cache of loaded data: hits equal builds, content and trust decide, errors unchanged."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import copydesk.findings.spelling
import copydesk.glossary
import copydesk.rules.loader
from copydesk.disk_cache import CACHE_DIR_ENV
from copydesk.errors import GlossaryError
from copydesk.findings.spelling import SpellingChecker
from copydesk.glossary import Glossary, load_glossary
from copydesk.langid import LanguageProfiles
from copydesk.rules import load_rule_file, load_rules

from .conftest import FIXTURES, SEED


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def glossary_dir(tmp_path: Path) -> Path:
    """A copy of the test glossary that a test may edit."""
    folder = tmp_path / "glossary"
    shutil.copytree(FIXTURES / "glossary", folder)
    return folder


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the glossary builds (loads from YAML) that follow."""
    counted: list[int] = []
    build = copydesk.glossary._load_glossary_files

    def counting(files: list[Path]) -> Glossary:
        counted.append(1)
        return build(files)

    monkeypatch.setattr(copydesk.glossary, "_load_glossary_files", counting)
    return counted


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_hit_gives_an_equal_glossary_without_reading_yaml(
    cache: Path, glossary_dir: Path, builds: list[int]
) -> None:
    built = load_glossary(glossary_dir)
    again = load_glossary(glossary_dir)
    assert again == built
    assert again.files == built.files and again.attributions == built.attributions
    assert again.languages() == built.languages()
    assert len(builds) == 1
    [stored] = cache_files(cache)
    assert stored.name.startswith("glossary-") and stored.suffix == ".pickle"


def test_the_shipped_glossary_and_rules_hit_equal(cache: Path) -> None:
    assert load_glossary() == load_glossary()
    assert load_rules("en") == load_rules("en")
    path = Path(copydesk.findings.spelling.__file__).with_name("spelling.yaml")
    fields = SpellingChecker.fields
    assert load_rule_file(path, fields) == load_rule_file(path, fields)
    assert {p.name.split("-")[0] for p in cache_files(cache)} == {"glossary", "rules", "rule"}


def test_a_hit_gives_an_equal_rule_pack_without_reading_yaml(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = load_rules("en")

    def no_build(language: str, files: list[Path]) -> object:
        raise AssertionError(language)

    monkeypatch.setattr(copydesk.rules.loader, "_load_pack", no_build)
    assert load_rules("en") == built


def test_a_changed_file_misses(cache: Path, glossary_dir: Path, builds: list[int]) -> None:
    before = load_glossary(glossary_dir)
    path = glossary_dir / "test.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n# an edit\n", encoding="utf-8")
    after = load_glossary(glossary_dir)
    assert len(builds) == 2
    assert after.content_hash != before.content_hash
    assert len(cache_files(cache)) == 1  # the older value of the same folder is dropped


def test_the_same_files_in_another_folder_miss(
    cache: Path, glossary_dir: Path, tmp_path: Path, builds: list[int]
) -> None:
    other = tmp_path / "other"
    shutil.copytree(glossary_dir, other)
    first, second = load_glossary(glossary_dir), load_glossary(other)
    assert len(builds) == 2
    assert first.files != second.files  # each records its own paths


def test_a_folder_writable_by_others_is_not_used(
    cache: Path, glossary_dir: Path, builds: list[int]
) -> None:
    cache.mkdir(mode=0o700)
    load_glossary(glossary_dir)
    [stored] = cache_files(cache)
    cache.chmod(0o777)
    load_glossary(glossary_dir)
    assert len(builds) == 2  # the stored value was not read
    cache.chmod(0o700)
    stored.unlink()
    cache.chmod(0o770)
    load_glossary(glossary_dir)
    assert len(builds) == 3
    assert cache_files(cache) == []  # nor was anything written


def test_a_file_writable_by_others_is_not_used(
    cache: Path, glossary_dir: Path, builds: list[int]
) -> None:
    load_glossary(glossary_dir)
    [stored] = cache_files(cache)
    stored.chmod(0o666)
    load_glossary(glossary_dir)
    assert len(builds) == 2


def test_a_symbolic_link_as_cache_file_is_not_followed(
    cache: Path, glossary_dir: Path, tmp_path: Path, builds: list[int]
) -> None:
    load_glossary(glossary_dir)
    [stored] = cache_files(cache)
    elsewhere = tmp_path / "elsewhere.pickle"
    stored.rename(elsewhere)
    stored.symlink_to(elsewhere)
    load_glossary(glossary_dir)
    assert len(builds) == 2


@pytest.mark.parametrize("value", ["off", "OFF"])
def test_the_off_switch(
    value: str,
    tmp_path: Path,
    glossary_dir: Path,
    builds: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert load_glossary(glossary_dir) == load_glossary(glossary_dir)
    assert len(builds) == 2
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_xdg_cache_home_without_override(
    tmp_path: Path, glossary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_glossary(glossary_dir)
    folder = tmp_path / "xdg" / "copydesk"
    assert [p.name.split("-")[0] for p in cache_files(folder)] == ["glossary"]
    assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05\x95", "other type"])
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(
    damage: bytes | str, cache: Path, glossary_dir: Path, builds: list[int]
) -> None:
    built = load_glossary(glossary_dir)
    [stored] = cache_files(cache)
    stored.write_bytes(pickle.dumps({"a": 1}) if damage == "other type" else damage)
    assert load_glossary(glossary_dir) == built
    assert len(builds) == 2
    assert pickle.loads(stored.read_bytes()) == built  # replaced by a good copy
    assert load_glossary(glossary_dir) == built
    assert len(builds) == 2


def test_errors_are_reported_as_without_a_cache(
    cache: Path, glossary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_glossary(glossary_dir)
    path = glossary_dir / "test.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "bogus: 1\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as cached_run:
        load_glossary(glossary_dir)
    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    with pytest.raises(GlossaryError) as uncached_run:
        load_glossary(glossary_dir)
    assert str(cached_run.value) == str(uncached_run.value)
    assert str(cached_run.value).startswith(f"{path}:")
    assert len(cache_files(cache)) == 1  # the failed load stored nothing


def test_an_unreadable_file_is_reported_as_without_a_cache(cache: Path, glossary_dir: Path) -> None:
    (glossary_dir / "z.yaml").mkdir()
    with pytest.raises(GlossaryError, match=r"z\.yaml"):
        load_glossary(glossary_dir)
    assert cache_files(cache) == []


_BUILD = """
import sys
from copydesk.glossary import load_glossary
from copydesk.rules import load_rules
glossary = load_glossary(sys.argv[1])
rules = load_rules("en")
print(len(glossary.entries), len(rules.rules))
"""


def test_two_processes_building_at_once_leave_one_valid_cache(
    cache: Path, glossary_dir: Path
) -> None:
    env = {**os.environ, CACHE_DIR_ENV: str(cache)}
    command = [sys.executable, "-c", _BUILD, str(glossary_dir)]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0] == outputs[1]
    names = sorted(p.name.split("-")[0] for p in cache_files(cache))
    assert names == ["glossary", "rules"]  # no temporary file left, one file per value
    for stored in cache_files(cache):
        value = pickle.loads(stored.read_bytes())
        if stored.name.startswith("glossary-"):
            assert value == load_glossary(glossary_dir)
        else:
            assert value == load_rules("en")


def test_langdetect_profiles_table_equals_langdetects_own() -> None:
    from langdetect import DetectorFactory, detector_factory

    factory = DetectorFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    profiles = pickle.loads(pickle.dumps(LanguageProfiles.from_factory(factory)))
    table = profiles.table()
    assert list(profiles.languages) == factory.langlist
    assert len(table) == len(factory.word_lang_prob_map)
    assert "nonexistent-word" not in table
    assert all(table[w] == row for w, row in factory.word_lang_prob_map.items())


def test_seed_outputs_are_identical_cold_warm_and_off(cache: Path) -> None:
    command = [sys.executable, "-c", "from copydesk.cli import main; main()", "check"]
    command += ["--format", "json", str(SEED)]

    def run(folder: str) -> bytes:
        env = {**os.environ, CACHE_DIR_ENV: folder}
        done = subprocess.run(command, env=env, capture_output=True, check=True, timeout=120)
        return done.stdout

    cold, warm, off = run(str(cache)), run(str(cache)), run("off")
    assert cold == warm == off
    kinds = {p.name.split("-")[0] for p in cache_files(cache)}
    assert kinds >= {"glossary", "rules", "rule", "langdetect", "spelling"}


def test_the_spelling_word_list_hits_equal(cache: Path) -> None:
    from spellchecker import SpellChecker

    built = copydesk.findings.spelling._checker.__wrapped__("en")
    again = copydesk.findings.spelling._checker.__wrapped__("en")
    assert again is not built and isinstance(again, SpellChecker)
    assert again.word_frequency.dictionary == built.word_frequency.dictionary
    assert again.distance == built.distance == 1
    assert again.candidates("hous") == built.candidates("hous")
    [stored] = cache_files(cache)
    assert stored.name.startswith("spelling-word-list-")


def test_a_killed_writers_temporary_file_is_swept(cache: Path, glossary_dir: Path) -> None:
    load_glossary(glossary_dir)
    [stored] = cache_files(cache)
    stem = stored.name.rsplit("-", 1)[0]
    old, fresh = cache / f".{stem}-old.tmp", cache / f".{stem}-fresh.tmp"
    old.write_bytes(b"half a pickle")
    fresh.write_bytes(b"being written")
    os.utime(old, (1, 1))
    (glossary_dir / "test.yaml").write_text(
        (glossary_dir / "test.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    load_glossary(glossary_dir)
    assert not old.exists() and fresh.exists()


def test_the_glossary_automaton_read_back_finds_what_a_built_one_finds(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copydesk.matcher
    from copydesk.settings import SettingsSpec, load_settings

    glossary = load_settings(SettingsSpec()).glossary
    text = SEED.read_text(encoding="utf-8") + "\nПереговоры в Идлебе; Idleb, Sotchi and HTS.\n"
    built = copydesk.matcher.Automaton(glossary)
    monkeypatch.setattr(copydesk.matcher, "_AUTOMATA", copydesk.matcher.BoundedCache(8))
    stored_first = copydesk.matcher.compile_glossary(glossary)  # builds and stores
    monkeypatch.setattr(copydesk.matcher, "_AUTOMATA", copydesk.matcher.BoundedCache(8))
    read_back = copydesk.matcher.compile_glossary(glossary)  # reads the stored keys
    assert read_back is not stored_first
    assert [p.name.split("-")[1] for p in cache_files(cache)].count("automaton") == 1
    expected = built.find(text)
    assert expected and read_back.find(text) == expected == stored_first.find(text)
    assert (read_back.size, read_back.longest) == (built.size, built.longest)


def test_the_glossary_lexicon_read_back_equals_a_built_one(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk._cache import BoundedCache
    from copydesk.settings import SettingsSpec, load_settings

    glossary = load_settings(SettingsSpec()).glossary
    spelling = copydesk.findings.spelling
    monkeypatch.setattr(spelling, "_LEXICONS", BoundedCache(16))
    built = spelling.glossary_lexicon(glossary, "en")
    monkeypatch.setattr(spelling, "_LEXICONS", BoundedCache(16))
    read_back = spelling.glossary_lexicon(glossary, "en")
    assert read_back is not built and read_back == built and built.known
    assert [p.name for p in cache_files(cache) if p.name.startswith("glossary-lexicon-")]
