"""The ``copydesk`` command line.

Exit status: 0 done; 1 a finding at or above ``--fail-on``; 2 bad usage or bad input,
with one ``copydesk error: ...`` line on stderr and never a traceback. Library errors are
turned into that line in one place, :func:`main`.
"""

from __future__ import annotations

import atexit
import importlib
import os
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from copydesk._version import __version__
from copydesk.errors import CopydeskError, InputError
from copydesk.load import display_name, load_bytes, load_path, read_limited
from copydesk.model import SEVERITIES, Result, severity_rank
from copydesk.options import (
    language_code_option,
    output_option,
    settings_options,
    settings_spec,
    source_option,
)
from copydesk.options import language_option as _language_option

if TYPE_CHECKING:
    from copydesk.settings import Settings


class ExitStatus(IntEnum):
    """Exit codes of every command."""

    OK = 0
    FINDINGS = 1
    ERROR = 2


FORMATS = ("text", "json", "md", "html")


_reference_option = click.option(
    "--reference",
    type=click.Path(dir_okay=False),
    help="A reference translation: adds BLEU, chrF++ and TER.",
)


@dataclass(frozen=True)
class RunOptions:
    """What the options ask for: loaded settings and a reference text."""

    settings: Settings
    reference: str | None


def _run_options(opts: dict[str, Any]) -> RunOptions:
    """Load the settings of the shared options (see :mod:`copydesk.options`)."""
    settings = settings_spec(opts).load()
    reference = opts.get("reference")
    text = load_path(reference, max_mb=settings.max_mb).text if reference else None
    return RunOptions(settings, text)


def render(result: Result, fmt: str) -> Iterable[str]:
    """The report in one of FORMATS, as pieces of text (JSON one edit or finding at a time,
    so that a report with a million edits is never one string)."""
    from copydesk.report import iter_json, render_markdown, render_text

    if fmt == "json":
        return iter_json(result)
    if fmt == "md":
        return [render_markdown(result)]
    if fmt == "html":
        from copydesk.report_html import render_html

        return [render_html(result)]
    return [render_text(result)]


def _echo_pieces(pieces: Iterable[str], batch: int = 1 << 20) -> None:
    """Write text pieces to stdout in batches of about ``batch`` characters."""
    from copydesk.report import joined_batches

    for text in joined_batches(pieces, batch):
        click.echo(text, nl=False)


#: Commands of other packages, as ``module:attribute``, imported only when they are used.
LAZY_COMMANDS = {"run": "copydesk_flows.cli:run"}


class _CommandGroup(click.Group):
    """The main group, with :data:`LAZY_COMMANDS` listed and loaded on demand.

    The flows live in another package; naming them here, and importing them only when
    ``run`` is used (or listed by ``--help``), keeps ``import copydesk.cli`` (and
    ``copydesk check``) free of them and of Prefect.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in LAZY_COMMANDS:
            module, name = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), name)
            if not isinstance(command, click.Command):
                msg = f"{LAZY_COMMANDS[cmd_name]} is not a click command"
                raise TypeError(msg)
        return command


@click.group(cls=_CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copydesk")
def cli() -> None:
    """Clean machine-translated news and explain every change."""


@cli.command()
@click.argument("file")
@settings_options
@_reference_option
@source_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default=None,
    help="Exit 1 when a finding is at or above this severity (default: never).",
)
def check(file: str, fmt: str, fail_on: str | None, source_file: str | None, **opts: Any) -> int:
    """Clean FILE (or - for stdin) and print a report; with --source, check it against the
    text it was translated from."""
    from copydesk.blocks import in_blocks
    from copydesk.pipeline import clean

    max_mb = opts["max_size"]
    # The HTML page, a source text and a reference need the whole text: such a run reads
    # the article whole, as for any article within the size limit.
    needs_whole = fmt == "html" or source_file is not None or _needs_whole_text(opts)
    if file != "-" and not needs_whole and in_blocks(file):
        result = _check_in_blocks(file, fmt, opts)
        return _status(result, fail_on)
    doc = (
        load_bytes(read_limited(sys.stdin.buffer, "<stdin>", max_mb), "<stdin>", max_mb=max_mb)
        if file == "-"
        else load_path(file, max_mb=max_mb)
    )
    run = _run_options(opts)
    source = load_path(source_file, max_mb=max_mb) if source_file else None
    result = clean(doc, run.settings, reference=run.reference, source=source)
    _echo_pieces(render(result, fmt))
    return _status(result, fail_on)


def _status(result: Result, fail_on: str | None) -> ExitStatus:
    if fail_on and any(
        severity_rank(f.severity) >= severity_rank(fail_on) for f in result.findings
    ):
        return ExitStatus.FINDINGS
    return ExitStatus.OK


def _needs_whole_text(opts: dict[str, Any]) -> bool:
    """Whether a reference or a folder of source texts is given: both need the whole text."""
    return opts.get("reference") is not None or opts.get("source_dir") is not None


def _check_in_blocks(file: str, fmt: str, opts: dict[str, Any]) -> Result:
    """``check`` of an article too big to hold (:mod:`copydesk.blocks`): the JSON, text or
    Markdown report, written as it is made from the block results and the spooled texts."""
    from copydesk.blocks import clean_in_blocks
    from copydesk.report import iter_json

    settings = settings_spec(opts).load()
    with clean_in_blocks(
        file, settings, text_report=fmt == "text", markdown_report=fmt == "md"
    ) as run:
        reports = {"json": lambda: iter_json(run.result, run.texts())}
        reports |= {"text": run.text_report, "md": run.markdown_report}
        _echo_pieces(reports[fmt]())
        return run.result


def _check_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that cannot be written, before anything is cleaned."""
    name = f"--out {display_name(out_dir)}"
    existing = out_dir
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if existing != out_dir and not existing.is_dir():
        msg = f"{name}: {display_name(existing)} is a file, so the folder cannot be created"
        raise click.UsageError(msg)
    if existing == out_dir and not out_dir.is_dir():
        msg = f"{name}: is a file, not a folder"
        raise click.UsageError(msg)
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "the folder" if existing == out_dir else f"{display_name(existing)}"
        msg = f"{name}: {what} is not writable"
        raise click.UsageError(msg)


@cli.command(name="clean")
@click.argument("files", nargs=-1, required=True)
@output_option(folder=True)
@settings_options
@_reference_option
def clean_command(files: tuple[str, ...], out_dir: str, **opts: Any) -> int:
    """Clean each FILE into OUT: NAME.clean.txt and NAME.report.{md,json,html}.

    With --source-dir DIR, DIR/NAME.txt is the source text of NAME.txt (a missing one is a
    note in that article's report).

    A file that cannot be read, cleaned or written is named on stderr with its reason;
    the good ones are written, nothing of the bad one is, and the exit status is 2.
    Temporary files a killed run left in OUT are removed first.
    """
    from dataclasses import replace

    from copydesk.blocks import in_blocks
    from copydesk.output import (
        article_stem,
        failure_reason,
        sweep_temp_files,
        write_outputs,
    )
    from copydesk.pipeline import clean

    _check_out_dir(Path(out_dir))
    stems: dict[str, str] = {}
    for file in files:
        stem = article_stem(file)
        if stem in stems:
            msg = (
                f"{display_name(file)} and {display_name(stems[stem])} would both write "
                f"{display_name(stem)}.*; rename one"
            )
            raise click.UsageError(msg)
        stems[stem] = file
    run = _run_options(opts)
    sweep_temp_files(Path(out_dir))
    status = ExitStatus.OK
    for file in files:
        name = display_name(file)
        try:
            # A reference or a source text needs the whole text; such an article is read whole.
            blocks = not _needs_whole_text(opts) and in_blocks(file)
            if blocks:
                result, written = _clean_in_blocks(file, run, Path(out_dir))
            else:
                doc = load_path(file, max_mb=run.settings.max_mb)
                doc = replace(doc, name=display_name(doc.name))
                result = clean(doc, run.settings, reference=run.reference)
                written = write_outputs(result, Path(out_dir), article_stem(file))
        except Exception as exc:  # one bad article never stops the others
            # An InputError names the file already; anything else gets the name here.
            where = "" if isinstance(exc, InputError) else f"{name}: "
            click.echo(error_line(f"{where}{failure_reason(exc)}"), err=True)
            status = ExitStatus.ERROR
            continue
        click.echo(
            f"{name}: {len(result.applied_edits)} change(s), "
            f"{len(result.findings)} finding(s) -> {display_name(str(written[0]))}"
            + (" (read in blocks: no HTML report, it needs the whole text)" if blocks else "")
        )
    return status


def _clean_in_blocks(file: str, run: RunOptions, out_dir: Path) -> tuple[Result, list[Path]]:
    """``clean`` of an article too big to hold (:mod:`copydesk.blocks`): the cleaned text, the
    JSON and the Markdown report (the HTML report needs the whole text)."""
    from copydesk.blocks import clean_in_blocks
    from copydesk.output import article_stem, write_block_outputs

    with clean_in_blocks(file, run.settings, markdown_report=True) as block_run:
        written = write_block_outputs(block_run, out_dir, article_stem(file))
        return block_run.result, written


@cli.command()
@click.argument("file")
@click.option(
    "--rule", required=True, help="Rule id (or id prefix) of the finding(s) to mark as fine."
)
@click.option("--text", "text_filter", default=None, help="Only findings whose text contains this.")
@click.option("--line", "line_filter", type=int, default=None, help="Only findings on this line.")
@click.option("--note", default="", help="Why it is fine (kept in the memory file).")
@settings_options
@_reference_option
def ignore(file: str, rule: str, text_filter: str | None, line_filter: int | None, note: str,
           **opts: Any) -> int:  # fmt: skip
    """Mark findings in FILE as fine so that later runs do not raise them again."""
    from copydesk.memory import check_writable, remember
    from copydesk.pipeline import clean
    from copydesk.report import LineIndex

    path = settings_spec(opts).memory_path()
    check_writable(path)
    run = _run_options(opts)
    result = clean(load_path(file, max_mb=run.settings.max_mb), run.settings)
    lines = LineIndex(result.cleaned)
    chosen = [
        f
        for f in result.findings
        if f.rule.startswith(rule)
        and (text_filter is None or text_filter in f.text)
        and (line_filter is None or lines.line_col(f.start)[0] == line_filter)
    ]
    if not chosen:
        msg = f"no finding of rule '{rule}' matches in {file} (see `copydesk check {file}`)"
        raise click.UsageError(msg)
    added = remember(path, result.cleaned, chosen, note)
    for item in added:
        click.echo(f"ignored {item.rule}: '{item.context}' ({item.fingerprint})")
    click.echo(f"{len(added)} new item(s) in {path}")
    return ExitStatus.OK


@cli.group()
def glossary() -> None:
    """Glossary maintenance."""


# The glossary folder of the glossary commands (the settings options declare their own).
_GLOSSARY_DIR = click.option(
    "--glossary",
    "glossary_dir",
    type=click.Path(file_okay=False),
    help="Glossary folder (default: the shipped one).",
)


@glossary.command(name="lint")
@_GLOSSARY_DIR
def glossary_lint(glossary_dir: str | None) -> int:
    """Report conflicting variants, chains, hidden variants and failing examples.

    Exit 1 when there is any problem.
    """
    from copydesk.glossary import load_glossary
    from copydesk.lint import lint_glossary

    g = load_glossary(glossary_dir)
    problems = lint_glossary(g)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(g.entries)} entries in {len(g.files)} file(s), {len(problems)} problem(s)")
    return ExitStatus.FINDINGS if problems else ExitStatus.OK


_GLOSSARY_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(("tbx", "csv", "tsv")),
    required=True,
    help="TBX-Basic; CSV (Google term sets, or DeepL/Google pairs); TSV (DeepL/Google pairs).",
)
_SOURCE_LANG = click.option(
    "--source-lang", callback=language_code_option, help="Language of a pair file's first column."
)
_TARGET_LANG = click.option(
    "--target-lang", callback=language_code_option, help="Language of a pair file's second column."
)


@glossary.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@_GLOSSARY_FORMAT
@click.option(
    "--output",
    "output_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for the glossary files: one DOMAIN.yaml per domain.",
)
@click.option(
    "--domain",
    default="imported",
    show_default=True,
    help="Domain of entries whose file names none.",
)
@click.option(
    "--type",
    "entry_type",
    type=click.Choice(("place", "organisation", "person", "operation", "term")),
    default="term",
    show_default=True,
    help="Type of entries whose file names none.",
)
@_SOURCE_LANG
@_TARGET_LANG
@click.option("--force", is_flag=True, help="Replace glossary files that exist.")
def glossary_import(
    file: str,
    fmt: str,
    output_dir: str,
    domain: str,
    entry_type: str,
    source_lang: str | None,
    target_lang: str | None,
    force: bool,
) -> int:
    """Import a TBX, CSV or TSV glossary as glossary YAML files (written as one set)."""
    from copydesk.glossary import parse_glossary_file
    from copydesk.glossary_io import ImportOptions, glossary_files, import_glossary
    from copydesk.output import write_files_atomically

    options = ImportOptions(domain, entry_type, source_lang, target_lang)
    imported = import_glossary(file, fmt, options)
    folder = Path(output_dir)
    files = {folder / name: text for name, text in glossary_files(imported).items()}
    for path, text in files.items():
        if path.exists() and not force:
            msg = f"{path}: exists (use --force to replace it)"
            raise click.UsageError(msg)
        parse_glossary_file(path, text)  # nothing is written that the loader would refuse
    folder.mkdir(parents=True, exist_ok=True)
    write_files_atomically(dict(files))
    for path in files:
        click.echo(f"wrote {path}")
    click.echo(f"{len(imported.entries)} entries imported from {file}")
    return ExitStatus.OK


@glossary.command(name="export")
@_GLOSSARY_FORMAT
@_GLOSSARY_DIR
@click.option("--output", type=click.Path(dir_okay=False), required=True, help="The file to write.")
@_SOURCE_LANG
@_TARGET_LANG
def glossary_export(
    fmt: str,
    glossary_dir: str | None,
    output: str,
    source_lang: str | None,
    target_lang: str | None,
) -> int:
    """Export the glossary as TBX-Basic, CSV or TSV (the file is replaced whole)."""
    from copydesk.glossary import load_glossary
    from copydesk.glossary_io import export_glossary
    from copydesk.output import atomic_write_text

    exported = export_glossary(load_glossary(glossary_dir), fmt, source_lang, target_lang)
    atomic_write_text(Path(output), exported.text)
    left = f", {exported.skipped} without both languages left out" if exported.skipped else ""
    click.echo(f"{exported.written} entries written to {output}{left}")
    return ExitStatus.OK


@glossary.command(name="discover")
@click.argument("articles", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_GLOSSARY_DIR
@click.option("--top", type=click.IntRange(min=1), help="Show only the best N proposals.")
def glossary_discover(articles: tuple[str, ...], glossary_dir: str | None, top: int | None) -> int:
    """Propose unseen spellings of glossary entries found in ARTICLES, as YAML with evidence.

    Exit 1 when there is any proposal.
    """
    from copydesk.discover import Article, discover, proposals_yaml
    from copydesk.glossary import load_glossary

    g = load_glossary(glossary_dir)
    texts = [Article(a, load_path(a).text) for a in articles]
    proposals = discover(texts, g)[:top]
    click.echo(proposals_yaml(proposals, len(texts)), nl=False)
    return ExitStatus.FINDINGS if proposals else ExitStatus.OK


@cli.group(name="eval")
def eval_group() -> None:
    """Measure precision and false alarms on annotated and human text."""


def _print_json_or_text(data: Any, fmt: str, text: str) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False) if fmt == "json" else text)


_EVAL_LANG = click.option(
    "--lang",
    "language",
    callback=_language_option,
    help="Clean every text in this language; default: each row's lp, else detected.",
)


@eval_group.command(name="mqm")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@click.option("--limit", type=int, default=None, help="Only the first N segments.")
@click.option(
    "--no-source",
    "no_source",
    is_flag=True,
    help="Leave out each row's source text (by default each row is checked against it).",
)
@_EVAL_LANG
def eval_mqm(file: str, fmt: str, limit: int | None, language: str | None, no_source: bool) -> int:
    """Precision, recall and correlation on MQM-annotated MT (JSONL), each row checked
    against its source."""
    from copydesk.evaluate import evaluate_mqm, load_mqm
    from copydesk.pipeline import default_settings

    segments = load_mqm(file)[:limit]
    report = evaluate_mqm(segments, default_settings(), language, with_source=not no_source)
    o, fa, corr = report["overall"], report["false_alarms_on_clean_segments"], report["correlation"]
    lines = [
        f"{report['segments']} segments, {report['words']} words",
        f"flags {o['flags']}, right {o['right']}, precision "
        + ("n/a" if o["precision"] is None else f"{o['precision']:.3f}")
        + f" (95% CI {o['ci95'][0]:.3f}-{o['ci95'][1]:.3f})",
        f"false alarms on clean segments: {fa['flags']} in {fa['words']} words "
        f"({fa['per_1000_words']:.2f} per 1,000)",
        f"correlation with human MQM: pearson {corr['pearson']}, kendall {corr['kendall_tau_b']}",
    ]
    if report["unannotated_segments_skipped"]:
        lines.append(f"{report['unannotated_segments_skipped']} unannotated segments left out")
    lines.append("per language and domain (words, flags, right, precision):")
    for group, row in report["groups"].items():
        p = "n/a" if row["precision"] is None else f"{row['precision']:.3f}"
        lines.append(f"  {group}: {row['words']} {row['flags']} {row['right']} {p}")
    lines.append("per rule (flags, right, precision):")
    for rule, row in report["rules"].items():
        p = "n/a" if row["precision"] is None else f"{row['precision']:.2f}"
        lines.append(f"  {rule}: {row['flags']} {row['right']} {p}")
    lines.append("recall per human category (spans, found):")
    for cat, row in report["recall"].items():
        lines.append(f"  {cat}: {row['spans']} {row['found']} {row['recall']:.3f}")
    _print_json_or_text(report, fmt, "\n".join(lines))
    return ExitStatus.OK


@eval_group.command(name="clean")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--field",
    "field_name",
    default="reference",
    show_default=True,
    help="Field to read from .jsonl files.",
)
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@click.option(
    "--with-source",
    "with_source",
    is_flag=True,
    help="Check each text against its row's source (JSONL files with a 'source' field).",
)
@_EVAL_LANG
def eval_clean(
    files: tuple[str, ...], field_name: str, fmt: str, language: str | None, with_source: bool
) -> int:
    """Edits and findings per 1,000 words on human-written text (likely false alarms)."""
    from copydesk.evaluate import evaluate_clean, read_labelled_texts, read_sourced_texts
    from copydesk.pipeline import default_settings

    texts = (
        read_sourced_texts(files, field_name)
        if with_source
        else read_labelled_texts(files, field_name)
    )
    report = evaluate_clean(texts, default_settings(), language)
    lines = [
        f"{report['texts']} texts, {report['words']} words: {report['edits']} edits "
        f"({report['edits_per_1000_words']:.2f}/1,000 words), {report['findings']} findings "
        f"({report['findings_per_1000_words']:.2f}/1,000 words)",
    ]
    lines += [
        f"  {r}: {v['edits']} edits, {v['findings']} findings" for r, v in report["rules"].items()
    ]
    _print_json_or_text(report, fmt, "\n".join(lines))
    return ExitStatus.OK


@eval_group.command(name="scorecard")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@output_option(folder=False, default="docs/rule-scorecard.md")
def eval_scorecard(files: tuple[str, ...], out_file: str) -> int:
    """Run both evaluations on MQM JSONL files and write the rule scorecard: a section per
    file, language and domain (the committed page: see docs/rule-scorecard.md)."""
    from copydesk.output import atomic_write_text
    from copydesk.pipeline import default_settings
    from copydesk.scorecard import scorecard_page

    atomic_write_text(Path(out_file), scorecard_page(files, default_settings()))
    click.echo(f"wrote {out_file}")
    return ExitStatus.OK


def error_line(message: object) -> str:
    """``copydesk error: MESSAGE`` as exactly one printable line.

    Line breaks, control characters and undecodable bytes of a file name (surrogates)
    are shown escaped, so a hostile name can neither split the line nor reach the
    terminal as a control sequence.

    >>> error_line("a\\nb\\udcff: no such file")
    'copydesk error: a\\\\nb\\\\xff: no such file'
    """
    out = []
    for c in str(message):
        if "\udc80" <= c <= "\udcff":  # a byte os.fsdecode could not decode
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(repr(c)[1:-1] if c in "\n\r\t" else f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "copydesk error: " + "".join(out)


def _fail(message: object) -> None:
    click.echo(error_line(message), err=True)
    sys.exit(ExitStatus.ERROR)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every expected error into one line and exit 2."""
    try:
        status = cli.main(args=argv, prog_name="copydesk", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _fail("aborted")
    except click.ClickException as exc:
        _fail(exc.format_message())
    except CopydeskError as exc:
        _fail(exc)
    except OSError as exc:
        where = display_name(exc.filename) if isinstance(exc.filename, str | bytes) else ""
        _fail(f"{where}: {exc.strerror or exc}")
    sys.exit(int(status) if isinstance(status, int) else 0)


def console_main() -> None:
    """The ``copydesk`` command (and ``python -m copydesk``): :func:`main`, then, when nothing
    waits for the interpreter's shutdown (no exit handler, no other thread), the process
    ends at once with the same status and its output flushed. Freeing the loaded data
    object by object is about a seventh of a warm one-article check."""
    try:
        main()
    except SystemExit as exc:
        _exit_now(exc.code)
        raise
    _exit_now(0)


def _exit_now(code: object) -> None:
    """End the process with ``code`` now when that loses nothing; else return."""
    if code is not None and not isinstance(code, int):
        return  # a message for the interpreter to print
    pending = getattr(atexit, "_ncallbacks", None)
    threading = sys.modules.get("threading")
    if pending is None or pending() or (threading is not None and threading.active_count() > 1):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # a closed pipe or stream: the interpreter reports it as usual
    os._exit(code or 0)
