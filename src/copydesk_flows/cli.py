"""``copydesk run``: the Prefect flows from the command line.

Contract: importing this module imports no Prefect (the ``copydesk`` CLI stays fast); each
command imports its flow when it runs. With no ``PREFECT_API_URL`` the flows run in
Prefect's ephemeral mode (a temporary local server, nothing to start; about 10 s on the
first call). One-shot runs switch flow-run heartbeats off. Bad input raises
:class:`copydesk.errors.CopydeskError` or :class:`click.ClickException`, which the main CLI
prints as one ``copydesk error: ...`` line with exit status 2. Each command prints where the
outputs went and the flow run's name.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from copydesk.limits import DEFAULT_MAX_CHANGES, MAX_CHANGES_ENV
from copydesk.load import DEFAULT_MAX_MB, MAX_MB_ENV

DEFAULT_CRON = "*/15 * * * *"
DEFAULT_DEPLOYMENT = "inbox"


def _settings_options(f: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--glossary",
                "glossary_dir",
                type=click.Path(file_okay=False, exists=True),
                help="Glossary folder (default: the shipped one).",
            ),
            click.option(
                "--rules",
                "rules_dir",
                type=click.Path(file_okay=False, exists=True),
                help="Rule folder (default: the shipped one).",
            ),
            click.option(
                "--style",
                "style_file",
                type=click.Path(dir_okay=False, exists=True),
                help="House-style file (default: copydesk.toml found from here).",
            ),
        ]
    ):
        f = option(f)
    return f


def _inbox_folders(f: Any) -> Any:
    """The --outbox and --quarantine options of the inbox commands."""
    f = click.option(
        "--quarantine",
        type=click.Path(file_okay=False),
        help="Folder for bad articles (default: 'quarantine' beside INBOX).",
    )(f)
    return click.option(
        "--outbox",
        type=click.Path(file_okay=False),
        help="Output folder (default: 'outbox' beside INBOX).",
    )(f)


_dask_address = click.option(
    "--dask-address",
    envvar="COPYDESK_DASK_ADDRESS",
    help="Dask scheduler to run the chunks on (env COPYDESK_DASK_ADDRESS).",
)


def _set_max_size(_ctx: click.Context, _param: click.Parameter, value: float | None) -> None:
    # Through the environment, the flows' loads see the limit wherever they run in this
    # process or its children (Dask workers and deployments read their own environment).
    if value is not None:
        os.environ[MAX_MB_ENV] = str(value)


_max_size = click.option(
    "--max-size",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MB",
    expose_value=False,
    callback=_set_max_size,
    help=f"Refuse an article over MB megabytes (default: env {MAX_MB_ENV}, else "
    f"{DEFAULT_MAX_MB:g}).",
)


def _set_max_changes(_ctx: click.Context, _param: click.Parameter, value: int | None) -> None:
    if value is not None:  # like --max-size: every article's cleaning reads it
        os.environ[MAX_CHANGES_ENV] = str(value)


_max_changes = click.option(
    "--max-changes",
    type=click.IntRange(min=1),
    metavar="N",
    expose_value=False,
    callback=_set_max_changes,
    help=f"Refuse an article with more than N changes (default: env {MAX_CHANGES_ENV}, "
    f"else {DEFAULT_MAX_CHANGES:,}).",
)


@click.group(name="run")
def run() -> None:
    """Run the Prefect flows (needs the 'flows' extra: pip install 'copydesk[flows]')."""


def _check_settings(
    *, glossary_dir: str | None, rules_dir: str | None, style_file: str | None
) -> None:
    """Load the glossary and house style now: a bad one fails before Prefect starts."""
    from copydesk.pipeline import default_settings

    default_settings(glossary_dir=glossary_dir, rules_dir=rules_dir, style_file=style_file)


def _require_prefect() -> None:
    try:
        import prefect  # noqa: F401
    except ImportError:
        msg = "the Prefect flows need the 'flows' extra: pip install 'copydesk[flows]'"
        raise click.ClickException(msg) from None


def _run_flow(module: str, name: str, settings: dict[str, str | None], **params: Any) -> Any:
    """Check the settings and Prefect first, then run flow ``module.name`` quietly."""
    _check_settings(**settings)
    _require_prefect()
    import importlib

    from copydesk_flows._prefect import heartbeats_off, start_ephemeral_server

    flow = getattr(importlib.import_module(module), name)
    try:
        start_ephemeral_server()  # so that a killed run leaves no server behind
    except RuntimeError as exc:  # e.g. a start that timed out
        msg = f"the temporary Prefect server did not start: {' '.join(str(exc).split())[:300]}"
        raise click.ClickException(msg) from None
    with heartbeats_off():
        return flow(**settings, **params)


@run.command(name="clean-article")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Output folder.",
)
@click.option(
    "--id",
    "article_id",
    help="Article id for the run name and artifact keys (default: the file's stem).",
)
@click.option("--lang", "language", help="Article language (ISO 639-1); default: detected.")
@_settings_options
@_max_size
@_max_changes
def clean_article_command(
    file: str,
    out_dir: str,
    article_id: str | None,
    language: str | None,
    **settings: str | None,
) -> int:
    """Clean FILE into OUT and publish its report, findings and summary as artifacts."""
    from copydesk.langid import language_code
    from copydesk.load import load_path

    if language is not None:
        language_code(language)  # a bad code or file fails here, before Prefect starts
    load_path(file)
    result = _run_flow(
        "copydesk_flows.article",
        "clean_article",
        settings,
        path=file,
        article_id=article_id,
        out_dir=out_dir,
        language=language,
    )
    click.echo(f"{file}: {result['edits']} change(s), {result['findings']} finding(s)")
    for path in result["outputs"]:
        click.echo(f"  wrote {path}")
    click.echo(
        f"flow run: {result['flow_run_name']}; artifacts: {', '.join(result['artifacts'].values())}"
    )
    return 0


@run.command(name="clean-inbox")
@click.argument("inbox", type=click.Path(file_okay=False, exists=True))
@_inbox_folders
@click.option(
    "--pattern", default="*.txt", show_default=True, help="Which files of INBOX are articles."
)
@click.option(
    "--chunk-size", default=25, show_default=True, type=click.IntRange(1), help="Articles per task."
)
@_dask_address
@_settings_options
@_max_size
@_max_changes
def clean_inbox_command(
    inbox: str,
    outbox: str | None,
    quarantine: str | None,
    pattern: str,
    chunk_size: int,
    dask_address: str | None,
    **settings: str | None,
) -> int:
    """Clean every new or changed article of INBOX; quarantine the bad ones.

    Files whose names would share outputs (a.txt and a.md), links to outside INBOX and
    files still being written are left in INBOX and named on stderr.
    """
    _require_prefect()
    from copydesk_flows.inbox import check_folders, check_pattern, inbox_siblings

    check_pattern(pattern)  # refused before Prefect starts
    check_folders(Path(inbox), *map(Path, inbox_siblings(inbox, outbox, quarantine)))
    result = _run_flow(
        "copydesk_flows.inbox",
        "clean_inbox",
        settings,
        inbox=inbox,
        outbox=outbox,
        quarantine=quarantine,
        pattern=pattern,
        chunk_size=chunk_size,
        dask_address=dask_address,
    )
    click.echo(
        f"{inbox}: {len(result['cleaned'])} cleaned, {len(result['skipped'])} unchanged, "
        f"{len(result['quarantined'])} quarantined, {len(result['left'])} left in the inbox"
    )
    click.echo(f"  outbox: {result['outbox']}")
    for name, reason in result["quarantined"].items():
        click.echo(f"  quarantined {name}: {reason}", err=True)
    for name, reason in result["left"].items():
        click.echo(f"  left in the inbox {name}: {reason}", err=True)
    if result["quarantined"]:
        click.echo(f"  quarantine: {result['quarantine']}")
    click.echo(f"flow run: {result['flow_run_name']}; artifact: {result['artifacts']['summary']}")
    return 0


@run.command(name="evaluate")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@_settings_options
@_max_size
@_max_changes
def evaluate_command(folder: str, **settings: str | None) -> int:
    """Score raw and cleaned NAME.txt against NAME.ref.txt in FOLDER (BLEU, chrF++, TER)."""
    result = _run_flow("copydesk_flows.evaluate", "evaluate", settings, folder=folder)
    click.echo(f"{folder}: {result['articles']} article(s), {result['segments']} line(s)")
    for row in result["scores"]:
        click.echo(
            f"  {row['metric']:7} raw {row['raw']:6.2f}  cleaned {row['cleaned']:6.2f}  "
            f"({row['change']:+.2f}, {row['better']} is better)  {row['signature']}"
        )
    for name, problem in result["left_out"].items():
        click.echo(f"  left out {name}: {problem}", err=True)
    click.echo(f"flow run: {result['flow_run_name']}; artifact: {result['artifact']}")
    return 0


@run.command(name="serve-inbox")
@click.argument("inbox", type=click.Path(file_okay=False, exists=True))
@click.option("--cron", default=DEFAULT_CRON, show_default=True, help="When to run (cron, UTC).")
@click.option(
    "--name",
    default=DEFAULT_DEPLOYMENT,
    show_default=True,
    help="Deployment name: runs are 'clean-inbox/NAME'.",
)
@_inbox_folders
@_dask_address
@_settings_options
@_max_size
@_max_changes
def serve_inbox_command(
    inbox: str,
    cron: str,
    name: str,
    outbox: str | None,
    quarantine: str | None,
    dask_address: str | None,
    **settings: str | None,
) -> int:
    """Serve the clean-inbox deployment on a cron schedule until interrupted.

    Start a server first (prefect server start) and set PREFECT_API_URL; a manual run is
    then: prefect deployment run 'clean-inbox/NAME'.
    """
    _check_settings(**settings)
    _require_prefect()
    from prefect.settings import PREFECT_API_URL

    from copydesk_flows.inbox import clean_inbox

    if not PREFECT_API_URL.value():
        click.echo(
            "warning: PREFECT_API_URL is not set; scheduled runs need a running Prefect server",
            err=True,
        )
    # Absolute paths: the served runs must not depend on the directory they start in.
    parameters: dict[str, Any] = {"inbox": str(Path(inbox).resolve())}
    for key, value in (("outbox", outbox), ("quarantine", quarantine)):
        if value:
            parameters[key] = str(Path(value).resolve())
    for key, value in settings.items():
        if value:
            parameters[key] = str(Path(value).resolve())
    if dask_address:
        parameters["dask_address"] = dask_address
    click.echo(f"serving clean-inbox/{name} ({cron})")
    click.echo(f"manual run: prefect deployment run 'clean-inbox/{name}'")
    sys.stdout.flush()
    clean_inbox.serve(name=name, cron=cron, parameters=parameters)
    return 0
