"""Each text in its own language: no language's rules, fixes or house forms on another's text.

For every ordered pair of en, de, fr, es, ru, a paragraph written in one language inside an
article in the other gets none of the article language's edits (safe fixes, house forms, applied
or suggested) and none of its phrasing or spelling findings, and the untranslated checker
flags it once. Each paragraph is chosen so that the article language's steps DO act on it when
the routing is switched off (the test says which pairs have nothing to act with yet).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from copydesk import pipeline
from copydesk.langid import foreign_spans
from copydesk.model import Language
from copydesk.pipeline import clean, default_settings

# Names with other languages' house forms (Moscow/Moskau/Moscou/Moscú/Москва, Sochi, Idlib),
# numbers with the other locales' separators, straight and typographic quotes, dashes.
PARAGRAPHS = {
    "en": (
        'The spokesman said "the talks in Sotchi and Moscow went well" - and added that '
        "20,000 people had fled Idleb, about 5% of the town, since the start of the offensive."
    ),
    "de": (
        "Der Sprecher sagte, die Gespräche in Sotchi und Moskau seien gut verlaufen - und fügte "
        'hinzu, dass seit Beginn der Offensive 20.000 Menschen aus Idleb geflohen seien, "etwa 5%".'
    ),
    "fr": (
        "Le porte-parole a déclaré que les discussions à Sotschi et à Moscou s'étaient bien "
        "passées - et que 20 000 personnes avaient fui Idleb, « environ 5% » de la ville."
    ),
    "es": (
        "El portavoz dijo que las conversaciones en Sotchi y en Moscú habían ido bien - y que "
        '20.000 personas habían huido de Idleb, "alrededor del 5%" de la ciudad.'
    ),
    "ru": (
        "Представитель заявил, что переговоры в Сочи и в Москве прошли хорошо - и что "
        '20 000 человек бежали из Идлеба, "около 5%" населения города с начала наступления.'
    ),
}
# The article around the foreign paragraph, in the article's language.
ARTICLES = {
    "en": (
        "The leaders met on Wednesday for talks on the war and on trade between their countries.",
        "Officials said a further meeting would take place in the capital next month.",
    ),
    "de": (
        "Die Staatschefs trafen sich am Mittwoch zu Gesprächen über den Krieg und den Handel.",
        "Ein weiteres Treffen soll nach Angaben von Beamten im nächsten Monat stattfinden.",
    ),
    "fr": (
        "Les dirigeants se sont rencontrés mercredi pour parler de la guerre et du commerce.",
        "Une nouvelle réunion aura lieu dans la capitale le mois prochain, selon des responsables.",
    ),
    "es": (
        "Los líderes se reunieron el miércoles para hablar de la guerra y del comercio bilateral.",
        "Según los funcionarios, el próximo mes habrá otra reunión en la capital del país.",
    ),
    "ru": (
        "Лидеры двух стран встретились в среду, чтобы обсудить войну и торговлю между ними.",
        "По словам чиновников, следующая встреча состоится в столице в следующем месяце.",
    ),
}
LANGUAGES = sorted(PARAGRAPHS)
PAIRS = [(text, article) for text, article in itertools.permutations(LANGUAGES, 2)]


def _own_rule(rule: str) -> bool:
    """Whether ``rule`` is one of the article language's steps (not the untranslated check)."""
    return not rule.startswith("untranslated.")


@pytest.mark.parametrize(("text_language", "article_language"), PAIRS)
def test_no_language_acts_on_another_languages_text(
    text_language: str, article_language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraph = PARAGRAPHS[text_language]
    before, after = ARTICLES[article_language]
    article = f"{before}\n{paragraph}\n{after}\n"
    start = len(before) + 1
    end = start + len(paragraph)
    settings = default_settings()

    routed = clean(article, settings, language=article_language)
    assert routed.cleaned[start:end] == paragraph
    assert [e.rule for e in routed.edits if e.start < end and start < e.end] == []
    inside = [f for f in routed.findings if f.start < end and start < f.end]
    assert [f.rule for f in inside if _own_rule(f.rule)] == []
    assert len(inside) == 1, [f.message for f in inside]  # flagged once
    assert inside[0].rule in {"untranslated.paragraph", "untranslated.script"}

    # The same paragraph with routing off: the article language's steps act on it.
    monkeypatch.setattr(pipeline, "foreign_spans", lambda _text, _language: [])
    unrouted = clean(paragraph, settings, language=article_language)
    acting = [e.rule for e in unrouted.edits] + [
        f.rule for f in unrouted.findings if _own_rule(f.rule)
    ]
    if not acting:
        pytest.skip(f"no rule, house form or dictionary of {article_language!r} acts on it yet")
    assert acting


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_article_in_its_own_language_has_no_foreign_spans(language: str) -> None:
    article = "\n".join([*ARTICLES[language], PARAGRAPHS[language]])
    assert foreign_spans(article, language) == []


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_english_left_in_a_sentence_is_flagged_once_and_left_alone(language: str) -> None:
    before, _after = ARTICLES[language]
    english = "we will not accept any conditions from the other side"
    article = f'{before}\n{before[:-1]}: "{english}", Sotchi.\n'
    result = clean(article, default_settings(), language=language)
    (span,) = foreign_spans(article, language)
    assert article[span.start : span.end] == english
    assert [f.rule for f in result.findings if f.start < span.end and span.start < f.end] == [
        "untranslated.phrase"
    ]


@pytest.mark.parametrize(
    "segment",
    [
        "Breaking Bad",  # a title of two words
        "the deal is done",  # too short for langdetect
        "Aviation Safety Information Analysis and Sharing",  # a name, kept by professionals
    ],
)
def test_a_segment_too_short_or_a_name_takes_the_articles_language(segment: str) -> None:
    article = f"Die Behörde nannte das Programm {segment} am Montag einen Erfolg für alle."
    assert foreign_spans(article, "de") == []


@pytest.mark.parametrize(("text_language", "article_language"), PAIRS)
def test_cleaning_a_mixed_article_twice_changes_nothing(
    text_language: str, article_language: str
) -> None:
    before, after = ARTICLES[article_language]
    # The foreign paragraph, and the article's own paragraph with the same names and marks,
    # which does get the article language's edits.
    article = "\n".join(
        [before, PARAGRAPHS[text_language], PARAGRAPHS[article_language], after, ""]
    )
    settings = default_settings()
    once = clean(article, settings, language=article_language)
    twice = clean(once.cleaned, settings, language=article_language)
    assert twice.cleaned == once.cleaned
    assert twice.applied_edits == ()
    assert [f.rule for f in twice.findings] == [f.rule for f in once.findings]


@pytest.mark.parametrize("dictionary", [True, False])
def test_an_opening_the_dictionary_reads_is_not_detected_again(
    dictionary: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = (Path(__file__).parent.parent / "seeds" / "sochi-summit.txt").read_text()
    expected = clean(seed)
    assert expected.cleaned[:2000] != seed[:2000]  # cleaning changes the opening
    if not dictionary:  # as for a language without a dictionary
        monkeypatch.setattr(pipeline, "reads_as", lambda _text, _language: False)
    calls: list[str] = []
    detect = pipeline.detect_language

    def counting(text: str) -> Language:
        calls.append(text)
        return detect(text)

    monkeypatch.setattr(pipeline, "detect_language", counting)
    assert clean(seed) == expected
    # the article once; its cleaned opening again only when the dictionary cannot read it
    assert calls == ([seed] if dictionary else [seed, expected.cleaned])
