"""The settings options shared by ``copydesk`` and ``copydesk run``, declared once.

Contract: :func:`settings_options` adds ``--glossary``, ``--rules``, ``--style``, ``--memory``,
``--lang``, ``--date``, ``--suggest-only``, ``--source-dir``, ``--source-lang``, ``--max-size``
and ``--max-changes`` to a click
command, each under the name of its :class:`~copydesk.settings.SettingsSpec` field;
:func:`settings_spec` gathers them from the command's keyword arguments into one spec. A bad
date or language code is a usage error before anything is read. Importing this module
imports click and no pipeline stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

import click

from copydesk.errors import InputError
from copydesk.limits import DEFAULT_MAX_CHANGES, MAX_CHANGES_ENV
from copydesk.load import DEFAULT_MAX_MB, MAX_MB_ENV

if TYPE_CHECKING:
    from copydesk.settings import SettingsSpec

__all__ = ["output_option", "settings_options", "settings_spec", "source_option"]

F = TypeVar("F", bound=Callable[..., Any])


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        msg = f"--date must be YYYY-MM-DD, got {value!r}"
        raise click.BadParameter(msg) from None


def _checked_language(value: str) -> str:
    """The language code of ``value`` (``pt-BR`` -> ``pt``); a usage error if it is none."""
    from copydesk.langid import language_code

    try:
        return language_code(value)
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None


def language_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An article language option: checked, and kept as given (``pt-BR`` names a region)."""
    if value is not None:
        _checked_language(value)
    return value


def language_code_option(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    """A language option naming glossary forms: checked, and given as its code (``pt-BR`` ->
    ``pt``, ``EN`` -> ``en``), the key the glossary's forms use."""
    return None if value is None else _checked_language(value)


_OPTIONS = (
    click.option(
        "--lang",
        "language",
        callback=language_option,
        help="Article language, a code such as en or pt-BR (ISO 639-1 or 639-3); "
        "default: detected.",
    ),
    click.option(
        "--suggest-only",
        "suggest_only",
        is_flag=True,
        help="Apply nothing; list every change as a suggestion.",
    ),
    click.option(
        "--date",
        "date",
        callback=_date,
        help="Publication date YYYY-MM-DD, to anchor relative dates.",
    ),
    *(
        click.option(flag, name, type=click.Path(file_okay=not folder, dir_okay=folder), help=text)
        for flag, name, folder, text in (
            ("--glossary", "glossary_dir", True, "Glossary folder (default: the shipped one)."),
            ("--rules", "rules_dir", True, "Rule folder (default: the shipped one)."),
            (
                "--memory",
                "memory_file",
                False,
                "False-alarm memory (default: false-alarms.yaml beside the glossary).",
            ),
            (
                "--style",
                "style_file",
                False,
                "House-style file (default: copydesk.toml or [tool.copydesk], looked up from "
                "here).",
            ),
        )
    ),
    click.option(
        "--source-dir",
        "source_dir",
        type=click.Path(file_okay=False),
        help="Folder of source texts: DIR/NAME.txt is the source of article NAME.txt "
        "(a missing one is a note).",
    ),
    click.option(
        "--source-lang",
        "source_language",
        callback=language_option,
        help="Language of the source texts (default: detected).",
    ),
    click.option(
        "--max-size",
        "max_size",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="MB",
        help=f"Refuse an article over MB megabytes (default: env {MAX_MB_ENV}, else "
        f"{DEFAULT_MAX_MB:g}).",
    ),
    click.option(
        "--max-changes",
        "max_changes",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help=f"Refuse an article with more than N changes (default: env {MAX_CHANGES_ENV}, "
        f"else {DEFAULT_MAX_CHANGES:,}).",
    ),
)


def settings_options(command: F) -> F:
    """Add the shared settings options to a click command (in this order in its help)."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def settings_spec(options: Mapping[str, Any]) -> SettingsSpec:
    """The spec the shared options of a command ask for (other options are left alone)."""
    from copydesk.settings import SettingsSpec

    return SettingsSpec(**{f.name: options[f.name] for f in fields(SettingsSpec)})


source_option = click.option(
    "--source",
    "source_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="The source text the article was translated from (checks against it).",
)


def output_option(*, folder: bool, default: str | None = None) -> Callable[[F], F]:
    """``--out``: the output folder (``out_dir``) or file (``out_file``); required without
    a default."""
    return click.option(
        "--out",
        "out_dir" if folder else "out_file",
        required=default is None,
        default=default,
        show_default=default is not None,
        type=click.Path(file_okay=not folder, dir_okay=folder),
        help="Output folder." if folder else "Output file.",
    )
