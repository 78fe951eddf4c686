"""Standalone data check for the glossary YAML files (not a pytest test).

Run from anywhere:

    python tests/glossary_data_check.py

It loads every ``glossary/*.yaml`` file and checks:

* the schema described in ``glossary/README.md`` (required keys, id pattern, unique ids,
  known types, forms per ISO 639-1 code, variant shapes, examples);
* the size of the glossary (>= 150 entries, >= 30 organisations, >= 30 persons) and that the
  names the desk relies on are present as house forms;
* variant hygiene: no applied variant of 3 letters or fewer, no applied single-word variant that
  is an English dictionary word (pyspellchecker), no diacritic-only Turkish spelling applied
  automatically, no variant shared by two entries with different targets, no variant that is
  another entry's form, no variant that is a word sequence inside another entry's form, and no
  chains (a replacement that itself contains another entry's applied variant);
* a naive simulation of the matcher (whole word, longest match, case-sensitive: as written,
  first letter capitalised, or ALL CAPS) over
  (a) the seed article ``seeds/sochi-summit.txt``: the applied variants found must be exactly
      the eight expected ones and the output must equal the expected text;
  (b) the distinct human ``reference`` texts of ``../shared/data/mqm_en_ted_eval.jsonl``:
      no applied edit at all (skipped, with a message, when the shared data is absent);
  (c) every entry's ``change`` and ``keep`` examples, run against the whole glossary.

Prints a summary and exits 1 when a problem was found.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "glossary"
SEED = ROOT / "seeds" / "sochi-summit.txt"
TED = ROOT.parent / "shared" / "data" / "mqm_en_ted_eval.jsonl"

GEONAMES_LINE = "Contains data from GeoNames (geonames.org), CC BY 4.0"
ID_RE = re.compile(r"^[a-z0-9-]+$")
LANG_RE = re.compile(r"^[a-z]{2}$")
TYPES = {"place", "organisation", "person", "operation", "term"}
ENTRY_KEYS = {"id", "type", "forms", "variants", "case", "apply", "notes", "source", "examples"}
FILE_KEYS = {"domain", "description", "source", "attribution", "defaults", "entries"}
REQUIRED_ENTRY_KEYS = ("id", "type", "forms", "variants", "source")
TURKISH_LETTERS = set("ğĞşŞıçÇöÖüÜ")

# The seed article must produce exactly these applied edits (variant as written -> result).
SEED_EXPECTED = {
    "Sotchi": "Sochi",
    "Idleb": "Idlib",
    "Qarabakh": "Karabakh",
    "the Syrian Liberation Committee": "Hayat Tahrir al-Sham (HTS)",
    "the calculated Turkish national army": "the Turkish-backed Syrian National Army",
    "Ghosn al-Zaytoun": "Olive Branch",
    "Basselhasya": "Baselhaya",
    "Syrian Front for Liberation": "National Front for Liberation",
}

# House forms (English) that must exist somewhere in the glossary.
REQUIRED_FORMS = """
Sochi|Idlib|Karabakh|Hayat Tahrir al-Sham (HTS)|Syrian National Army|Olive Branch|Baselhaya|Basufan|
Barad|Afrin|Hama|Latakia|Aleppo|National Front for Liberation|Recep Tayyip Erdogan|Vladimir Putin|
Bashar al-Assad|PKK|Ankara|Turkey|Russia|Syria|Libya|Mustafa Sejari|S-400|
Damascus|Homs|Tartus|Raqqa|Deir ez-Zor|Hasakah|Daraa|Suwayda|Quneitra|Douma|Jisr al-Shughur|
Maarat al-Numan|Ariha|Harem|Manbij|al-Bab|Azaz|Jarablus|Kobani|Tal Abyad|Ras al-Ain|Qamishli|
al-Mayadin|Abu Kamal|Palmyra|Baniyas|Safita|Jableh|Qardaha|al-Rastan|Talkalakh|Salamiyah|Masyaf|
al-Suqaylabiyah|Hatay|Kilis|Gaziantep|Sanliurfa|Mardin|Sirnak|Baku|Yerevan|Tbilisi|Stepanakert|
Shusha|Nagorno-Karabakh|Nakhchivan|Abkhazia|Sukhumi|South Ossetia|Tskhinvali|Chechnya|Grozny|
Dagestan|Makhachkala|Ingushetia|Magas|North Ossetia|Vladikavkaz|Kabardino-Balkaria|Nalchik|
Syrian Democratic Forces|YPG|PYD|Islamic State|Hurras al-Din|Ahrar al-Sham|Jaish al-Islam|
Hezbollah|Wagner Group|Syrian Democratic Council|AKP|CHP|MHP|HDP|Syrian Interim Government|
Syrian Salvation Government|White Helmets|Syrian Observatory for Human Rights|OPCW|
Ahmed al-Sharaa|Abu Mohammed al-Golani|Mazloum Abdi|Abdullah Ocalan|Sergei Lavrov|Mevlut Cavusoglu|
Hakan Fidan|Ilham Aliyev|Nikol Pashinyan|Ramzan Kadyrov
"""

problems: list[str] = []


def problem(msg: str) -> None:
    problems.append(msg)


def fold(s: str) -> str:
    """Accent-folded lower case (Turkish dotless i and Azerbaijani schwa included)."""
    s = s.replace("ı", "i").replace("İ", "I").replace("ə", "e").replace("Ə", "E")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def is_dictionary_word(word: str) -> bool:
    from spellchecker import SpellChecker

    global _SPELL
    try:
        spell = _SPELL
    except NameError:
        spell = _SPELL = SpellChecker(language="en")
    return word.lower() in spell


# --------------------------------------------------------------------------- model


@dataclass
class Variant:
    text: str
    apply: bool
    to: dict[str, str] | None


@dataclass
class Entry:
    rule: str
    type: str
    forms: dict[str, Any]
    variants: list[Variant]
    case: str
    apply: bool
    change: list[dict[str, str]] = field(default_factory=list)
    keep: list[dict[str, str]] = field(default_factory=list)

    def form_strings(self, lang: str | None = None) -> list[str]:
        langs = [lang] if lang else list(self.forms)
        out: list[str] = []
        for lg in langs:
            f = self.forms.get(lg)
            if isinstance(f, str):
                out.append(f)
            elif isinstance(f, dict):
                out += [f["first"], f["later"]]
        return out

    def replacement(self, v: Variant, lang: str, mention: int) -> str:
        if v.to is not None:
            return v.to[lang]
        f = self.forms[lang]
        if isinstance(f, dict):
            return f["first"] if mention == 1 else f["later"]
        return f

    def applies(self, v: Variant, lang: str) -> bool:
        """Whether variant ``v`` is rewritten in an article in ``lang``."""
        if not (self.apply and v.apply):
            return False
        if v.to is not None:
            return lang in v.to
        if lang not in self.forms:
            return False
        return v.text not in self.form_strings(lang)

    def targets(self, v: Variant) -> set[str]:
        if v.to is not None:
            return set(v.to.values())
        return set(self.form_strings())


# --------------------------------------------------------------------------- loading


def load() -> list[Entry]:
    entries: list[Entry] = []
    files = sorted(GLOSSARY.glob("*.yaml"))
    if not files:
        problem(f"no YAML files in {GLOSSARY}")
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = path.name
        if not isinstance(data, dict):
            problem(f"{where}: top level is not a mapping")
            continue
        for key in ("domain", "description", "source", "entries"):
            if key not in data:
                problem(f"{where}: missing file-level key '{key}'")
        for key in set(data) - FILE_KEYS:
            problem(f"{where}: unknown file-level key '{key}'")
        domain = data.get("domain", path.stem)
        if not isinstance(domain, str) or not ID_RE.match(domain):
            problem(f"{where}: bad domain {domain!r}")
        defaults = data.get("defaults") or {}
        uses_geonames = "GeoNames" in str(data.get("source", ""))
        ids: set[str] = set()
        for i, raw in enumerate(data.get("entries") or []):
            raw = {**defaults, **raw}
            at = f"{where}[{i}] {raw.get('id', '?')}"
            for key in REQUIRED_ENTRY_KEYS:
                if key not in raw:
                    problem(f"{at}: missing key '{key}'")
            for key in set(raw) - ENTRY_KEYS:
                problem(f"{at}: unknown key '{key}'")
            eid = raw.get("id", "")
            if not isinstance(eid, str) or not ID_RE.match(eid):
                problem(f"{at}: id does not match {ID_RE.pattern}")
            if eid in ids:
                problem(f"{at}: duplicate id")
            ids.add(eid)
            if raw.get("type") not in TYPES:
                problem(f"{at}: type {raw.get('type')!r} not in {sorted(TYPES)}")
            src = raw.get("source")
            if not isinstance(src, str) or len(src.strip()) < 10:
                problem(f"{at}: source missing or too short")
            elif "GeoNames" in src:
                uses_geonames = True
            forms = raw.get("forms")
            if not isinstance(forms, dict) or "en" not in forms:
                problem(f"{at}: forms must be a mapping with an 'en' form")
                forms = forms if isinstance(forms, dict) else {}
            for lang, f in forms.items():
                if not LANG_RE.match(str(lang)):
                    problem(f"{at}: form language {lang!r} is not an ISO 639-1 code")
                if isinstance(f, dict):
                    if set(f) != {"first", "later"} or not all(isinstance(x, str) for x in f.values()):
                        problem(f"{at}: form {lang} must be a string or {{first, later}}")
                elif not isinstance(f, str) or not f.strip():
                    problem(f"{at}: form {lang} must be a non-empty string")
            variants: list[Variant] = []
            for v in raw.get("variants") or []:
                if isinstance(v, str):
                    variants.append(Variant(v, True, None))
                    continue
                if not isinstance(v, dict) or not isinstance(v.get("text"), str):
                    problem(f"{at}: bad variant {v!r}")
                    continue
                extra = set(v) - {"text", "apply", "to"}
                if extra:
                    problem(f"{at}: variant {v['text']!r} has unknown keys {sorted(extra)}")
                to = v.get("to")
                if to is not None and (
                    not isinstance(to, dict)
                    or not all(LANG_RE.match(k) and isinstance(t, str) for k, t in to.items())
                ):
                    problem(f"{at}: variant {v['text']!r}: 'to' must map language codes to strings")
                    to = None
                if not isinstance(v.get("apply", True), bool):
                    problem(f"{at}: variant {v['text']!r}: apply must be true or false")
                variants.append(Variant(v["text"], bool(v.get("apply", True)), to))
            texts = [v.text for v in variants]
            if len(texts) != len(set(texts)):
                problem(f"{at}: duplicate variants")
            case = raw.get("case", "sensitive")
            if case not in ("sensitive", "insensitive"):
                problem(f"{at}: case must be sensitive or insensitive")
            entry = Entry(f"{domain}.{eid}", raw.get("type", ""), forms, variants, case,
                          bool(raw.get("apply", True)))
            ex = raw.get("examples") or {}
            for c in ex.get("change") or []:
                if not isinstance(c, dict) or not {"text", "result"} <= set(c):
                    problem(f"{at}: change example needs text and result: {c!r}")
                    continue
                entry.change.append({"text": c["text"], "result": c["result"], "lang": c.get("lang", "en")})
            for k in ex.get("keep") or []:
                if isinstance(k, str):
                    entry.keep.append({"text": k, "lang": "en"})
                elif isinstance(k, dict) and isinstance(k.get("text"), str):
                    entry.keep.append({"text": k["text"], "lang": k.get("lang", "en")})
                else:
                    problem(f"{at}: bad keep example {k!r}")
            entries.append(entry)
        if uses_geonames and data.get("attribution") != GEONAMES_LINE:
            problem(f"{where}: uses GeoNames data but lacks attribution: {GEONAMES_LINE!r}")
    return entries


# --------------------------------------------------------------------------- matcher


@dataclass
class Match:
    start: int
    end: int
    entry: Entry
    variant: Variant | None  # None: a form (counts as a mention, never rewritten)
    mode: str  # as | cap | upper


class Matcher:
    """Whole-word, leftmost-longest matching of all forms and variants of all entries."""

    def __init__(self, entries: list[Entry], lang: str) -> None:
        self.lang = lang
        table: dict[tuple[str, bool], list[tuple[Entry, Variant | None, str]]] = {}
        for e in entries:
            if lang not in e.forms and not any(v.to and lang in v.to for v in e.variants):
                continue
            items: list[tuple[str, Variant | None]] = [(f, None) for f in e.form_strings(lang)]
            items += [(v.text, v) for v in e.variants if e.applies(v, lang)]
            insensitive = e.case == "insensitive"
            for text, v in items:
                for surface, mode in self.surfaces(text):
                    key = (surface.lower() if insensitive else surface, insensitive)
                    table.setdefault(key, []).append((e, v, mode))
        self.table = table
        self.regexes = []
        for insensitive in (False, True):
            keys = sorted((k for k, ins in table if ins == insensitive), key=len, reverse=True)
            if keys:
                alt = "|".join(re.escape(k) for k in keys)
                flags = re.IGNORECASE if insensitive else 0
                self.regexes.append((insensitive, re.compile(rf"(?<!\w)(?:{alt})(?!\w)", flags)))

    @staticmethod
    def surfaces(text: str) -> list[tuple[str, str]]:
        out = [(text, "as")]
        cap = text[:1].upper() + text[1:]
        if cap != text:
            out.append((cap, "cap"))
        if text.upper() not in (text, cap):
            out.append((text.upper(), "upper"))
        return out

    def find(self, text: str) -> list[Match]:
        found: list[Match] = []
        for insensitive, rx in self.regexes:
            for m in rx.finditer(text):
                key = (m.group().lower() if insensitive else m.group(), insensitive)
                cands = self.table[key]
                # prefer a rewriting variant over a form when both share the surface
                e, v, mode = sorted(cands, key=lambda c: c[1] is None)[0]
                found.append(Match(m.start(), m.end(), e, v, mode))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        out: list[Match] = []
        for m in found:
            if not out or m.start >= out[-1].end:
                out.append(m)
        return out

    def run(self, text: str) -> tuple[str, list[tuple[Match, str]]]:
        mentions: dict[str, int] = {}
        edits: list[tuple[Match, str]] = []
        pieces, pos = [], 0
        for m in self.find(text):
            mentions[m.entry.rule] = mentions.get(m.entry.rule, 0) + 1
            if m.variant is None:
                continue
            new = m.entry.replacement(m.variant, self.lang, mentions[m.entry.rule])
            if m.mode == "upper":
                new = new.upper()
            elif m.mode == "cap" or (m.entry.case == "insensitive" and text[m.start].isupper()):
                new = new[:1].upper() + new[1:]
            pieces += [text[pos:m.start], new]
            pos = m.end
            edits.append((m, new))
        pieces.append(text[pos:])
        return "".join(pieces), edits


# --------------------------------------------------------------------------- checks


def check_counts(entries: list[Entry]) -> dict[str, int]:
    by_type: dict[str, int] = {}
    for e in entries:
        by_type[e.type] = by_type.get(e.type, 0) + 1
    if len(entries) < 150:
        problem(f"only {len(entries)} entries (need >= 150)")
    for t in ("organisation", "person"):
        if by_type.get(t, 0) < 30:
            problem(f"only {by_type.get(t, 0)} {t} entries (need >= 30)")
    have = {f for e in entries for f in e.form_strings("en")}
    for name in (n.strip() for n in REQUIRED_FORMS.replace("\n", "").split("|")):
        if name and name not in have:
            problem(f"required house form missing: {name!r}")
    return by_type


def check_variants(entries: list[Entry]) -> None:
    forms_of: dict[str, set[str]] = {}
    for e in entries:
        for f in e.form_strings():
            forms_of.setdefault(f, set()).add(e.rule)
    targets_of: dict[str, list[tuple[str, frozenset[str]]]] = {}
    applied: list[tuple[Entry, Variant]] = []
    for e in entries:
        for v in e.variants:
            t = v.text
            targets_of.setdefault(t, []).append((e.rule, frozenset(e.targets(v))))
            other = forms_of.get(t, set()) - {e.rule}
            if other:
                problem(f"{e.rule}: variant {t!r} is a form of {sorted(other)}")
            if len(t) <= 3:
                problem(f"{e.rule}: variant {t!r} has 3 letters or fewer")
            if not (e.apply and v.apply):
                continue
            applied.append((e, v))
            if re.fullmatch(r"\w+", t) and is_dictionary_word(t):
                problem(f"{e.rule}: applied variant {t!r} is an English dictionary word")
            for target in e.targets(v):
                non_ascii = {c for c in t if not c.isascii() and c.isalpha()}
                if fold(t) == fold(target) and non_ascii and non_ascii <= TURKISH_LETTERS:
                    problem(f"{e.rule}: diacritic-only Turkish variant {t!r} must be apply: false")
    for t, owners in targets_of.items():
        if len({tg for _, tg in owners}) > 1:
            problem(f"variant {t!r} is listed by {[o for o, _ in owners]} with different targets")
    # one alternation of all applied variants, longest first
    owners_of: dict[str, set[str]] = {}
    for e, v in applied:
        owners_of.setdefault(v.text, set()).add(e.rule)
    alt = "|".join(re.escape(t) for t in sorted(owners_of, key=len, reverse=True))
    rx = re.compile(rf"(?=(?<!\w)({alt})(?!\w))")
    # a variant must not be a word sequence inside another entry's form
    for form, form_owners in forms_of.items():
        for t in {m.group(1) for m in rx.finditer(form)}:
            if t != form:
                problem(f"variant {t!r} of {sorted(owners_of[t])} occurs inside form {form!r} "
                        f"of {sorted(form_owners)}")
    # no chains: a replacement must not contain another entry's applied variant
    chains = {(e.rule, target, m.group(1)) for e, v in applied for target in e.targets(v)
              for m in rx.finditer(target)}
    for rule, target, t in sorted(chains):
        if owners_of[t] - {rule}:
            problem(f"chain: {rule} rewrites to {target!r}, which contains "
                    f"variant {t!r} of {sorted(owners_of[t] - {rule})}")


def check_seed(entries: list[Entry]) -> str:
    text = SEED.read_text(encoding="utf-8")
    out, edits = Matcher(entries, "en").run(text)
    got = {m.variant.text for m, _ in edits if m.variant}
    expected = set(SEED_EXPECTED)
    for t in sorted(got - expected):
        problem(f"seed: unexpected applied variant {t!r}")
    for t in sorted(expected - got):
        problem(f"seed: expected variant {t!r} was not matched")
    want = text
    for before, after in SEED_EXPECTED.items():
        want = want.replace(before, after)
    if out != want:
        problem("seed: cleaned text differs from the expected text")
    return f"seed article: {len(edits)} applied edits: " + ", ".join(
        f"{text[m.start:m.end]!r} -> {new!r}" for m, new in edits)


def check_ted(entries: list[Entry]) -> str:
    if not TED.exists():
        return f"TED references: SKIPPED ({TED} not found; shared data absent)"
    refs: set[str] = set()
    with TED.open(encoding="utf-8") as fh:
        for line in fh:
            ref = json.loads(line).get("reference")
            if ref:
                refs.add(ref)
    matcher = Matcher(entries, "en")
    hits = 0
    for ref in sorted(refs):
        _, edits = matcher.run(ref)
        for m, new in edits:
            hits += 1
            problem(f"TED reference edited: {ref[m.start:m.end]!r} -> {new!r} ({m.entry.rule}) in {ref[:80]!r}")
    return f"TED references: {len(refs)} distinct texts, {hits} applied edits"


def check_examples(entries: list[Entry]) -> str:
    matchers: dict[str, Matcher] = {}
    n_change = n_keep = 0
    for e in entries:
        langs_with_applied = {lg for v in e.variants for lg in (e.forms | (v.to or {})) if e.applies(v, lg)}
        if langs_with_applied and not e.change:
            problem(f"{e.rule}: has applied variants but no change example")
        if not e.keep:
            problem(f"{e.rule}: has no keep example")
        for c in e.change:
            m = matchers.setdefault(c["lang"], Matcher(entries, c["lang"]))
            out, edits = m.run(c["text"])
            n_change += 1
            if out != c["result"]:
                problem(f"{e.rule}: change example {c['text']!r} gave {out!r}, expected {c['result']!r}")
            elif not any(mt.entry is e for mt, _ in edits):
                problem(f"{e.rule}: change example {c['text']!r} is not changed by this entry")
        for k in e.keep:
            m = matchers.setdefault(k["lang"], Matcher(entries, k["lang"]))
            out, _ = m.run(k["text"])
            n_keep += 1
            if out != k["text"]:
                problem(f"{e.rule}: keep example {k['text']!r} was changed to {out!r}")
    return f"examples: {n_change} change and {n_keep} keep examples run"


def main() -> int:
    entries = load()
    by_type = check_counts(entries)
    check_variants(entries)
    lines = [
        f"glossary: {len(entries)} entries in {len(list(GLOSSARY.glob('*.yaml')))} files; by type: "
        + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())),
        "variants: {} applied, {} suggested".format(
            sum(1 for e in entries for v in e.variants if e.apply and v.apply),
            sum(1 for e in entries for v in e.variants if not (e.apply and v.apply))),
        check_seed(entries),
        check_ted(entries),
        check_examples(entries),
    ]
    print("\n".join(lines))
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  - " + p)
        return 1
    print("\nOK: no problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
