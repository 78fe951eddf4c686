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

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from copydesk.options import output_option, settings_options, settings_spec, source_option

if TYPE_CHECKING:
    from copydesk.settings import SettingsSpec

DEFAULT_CRON = "*/15 * * * *"
#: serve-inbox's own deployment name: never that of a work-pool deployment (prefect.yaml's
#: ``inbox``), which serving would take over (its work pool dropped, paused at SIGTERM).
DEFAULT_DEPLOYMENT = "inbox-served"


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


_review_timeout = click.option(
    "--review-timeout",
    default=3600,
    show_default=True,
    type=click.IntRange(1),
    help="Seconds to wait for the editor's answer; then the run fails.",
)


def _review_options(f: Any) -> Any:
    """The --review and --review-timeout options of clean-article."""
    f = _review_timeout(f)
    return click.option(
        "--review",
        is_flag=True,
        help="Pause for an editor to accept or reject changes in the Prefect UI.",
    )(f)


def _require_server(what: str) -> None:
    """A review is answered in the UI: refuse ephemeral mode, which has none."""
    _require_prefect()
    from prefect.settings import PREFECT_API_URL

    api_url = PREFECT_API_URL.value()
    if not api_url:
        msg = (
            f"{what} needs a Prefect server with its UI: start one and set PREFECT_API_URL "
            "(see README, Review in the Prefect UI)"
        )
        raise click.ClickException(msg)
    import urllib.request

    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=10):
            pass
    except (OSError, ValueError) as exc:
        msg = f"{what}: cannot reach the Prefect server at {api_url} ({exc})"
        raise click.ClickException(msg) from None


def _spec_parameter(spec: SettingsSpec) -> dict[str, Any]:
    """The settings as JSON, the form a deployment stores; Prefect makes a SettingsSpec again."""
    from dataclasses import asdict

    return {
        k: v.isoformat() if isinstance(v, dt.date) else v
        for k, v in asdict(spec).items()
        if v is not None
    }


@click.group(name="run")
def run() -> None:
    """Run the Prefect flows (needs the 'flows' extra: pip install 'copydesk[flows]')."""


def _check_settings(spec: SettingsSpec) -> None:
    """Load the glossary, rules, house style and memory now: bad ones fail before Prefect."""
    spec.load()


def _require_prefect() -> None:
    """Prefect with quiet, offline defaults (only where unset), or a one-line error."""
    from copydesk_flows._prefect import apply_env_defaults

    apply_env_defaults()  # before Prefect is imported: it reads them then
    try:
        import prefect  # noqa: F401
    except ImportError:
        msg = "the Prefect flows need the 'flows' extra: pip install 'copydesk[flows]'"
        raise click.ClickException(msg) from None


def _run_flow(module: str, name: str, spec: SettingsSpec, **params: Any) -> Any:
    """Check the settings and Prefect first, then run flow ``module.name`` quietly."""
    _check_settings(spec)
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
        return flow(spec=spec, **params)


def takeover_problem(name: str, work_pool: str | None) -> str | None:
    """Why serving ``clean-inbox/NAME`` must be refused, given the work pool of an existing
    deployment of that name (None: none exists, or it has no work pool); None when it may.

    >>> takeover_problem("inbox-served", None) is None
    True
    >>> takeover_problem("inbox", "copydesk").startswith("the deployment 'clean-inbox/inbox'")
    True
    """
    if not work_pool:
        return None
    return (
        f"the deployment 'clean-inbox/{name}' exists on the work pool {work_pool!r}; "
        "serving it would take it over: give serve-inbox another --name"
    )


def _existing_work_pool(name: str) -> str | None:
    """The work pool of the deployment ``clean-inbox/NAME`` on the server, if any."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(f"clean-inbox/{name}")
        except ObjectNotFound:
            return None
    return deployment.work_pool_name


def _refuse_takeover(name: str) -> None:
    if problem := takeover_problem(name, _existing_work_pool(name)):
        raise click.ClickException(problem)


@run.command(name="clean-article")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@output_option(folder=True, default="out")
@click.option(
    "--id",
    "article_id",
    help="Article id for the run name and artifact keys (default: the file's stem).",
)
@_review_options
@source_option
@settings_options
def clean_article_command(
    file: str,
    out_dir: str,
    article_id: str | None,
    review: bool,
    review_timeout: int,
    source_file: str | None,
    **options: Any,
) -> int:
    """Clean FILE into OUT and publish its report, findings and summary as artifacts.

    With --review, wait for an editor to accept or reject changes in the Prefect UI (the
    run page: Open menu, Resume), then write the reviewed outputs.
    """
    from copydesk.load import load_path

    spec = settings_spec(options)
    for path in (file, source_file):  # a bad file fails here, before Prefect starts
        if path:
            load_path(path, max_mb=spec.max_size)
    if review:
        _require_server("--review")
    result = _run_flow(
        "copydesk_flows.article",
        "clean_article",
        spec,
        path=file,
        article_id=article_id,
        out_dir=out_dir,
        review=review,
        review_timeout=review_timeout,
        source=str(Path(source_file).resolve()) if source_file else None,
    )
    click.echo(f"{file}: {result['edits']} change(s), {result['findings']} finding(s)")
    if result["review"] is not None:
        click.echo(f"  reviewed: {result['review']['decision']}, {result['rejected']} rejected")
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
@click.option(
    "--worker-process/--no-worker-process",
    default=None,
    help="Clean in a worker process beside the flow's own (default: when there is more "
    "than one chunk).",
)
@_dask_address
@settings_options
def clean_inbox_command(
    inbox: str,
    outbox: str | None,
    quarantine: str | None,
    pattern: str,
    chunk_size: int,
    worker_process: bool | None,
    dask_address: str | None,
    **options: Any,
) -> int:
    """Clean every new or changed article of INBOX; quarantine the bad ones.

    Files whose names would share outputs (a.txt and a.md), links to outside INBOX and
    files still being written are left in INBOX and named on stderr.
    """
    _require_prefect()
    from copydesk_flows.inbox import absolute_folders, check_folders, check_pattern

    check_pattern(pattern)  # refused before Prefect starts
    # Absolute: chunks may run in Dask workers started in another directory.
    inbox, outbox, quarantine = absolute_folders(inbox, outbox, quarantine)
    check_folders(Path(inbox), Path(outbox), Path(quarantine))
    result = _run_flow(
        "copydesk_flows.inbox",
        "clean_inbox",
        settings_spec(options),
        inbox=inbox,
        outbox=outbox,
        quarantine=quarantine,
        pattern=pattern,
        chunk_size=chunk_size,
        dask_address=dask_address,
        worker_process=worker_process,
    )
    click.echo(
        f"{inbox}: {len(result['cleaned'])} cleaned, {len(result['skipped'])} unchanged, "
        f"{len(result['quarantined'])} quarantined, {len(result['left'])} left in the inbox, "
        f"{len(result['vanished'])} vanished"
    )
    click.echo(f"  outbox: {result['outbox']}")
    for name, reason in result["quarantined"].items():
        click.echo(f"  quarantined {name}: {reason}", err=True)
    for name, reason in result["left"].items():
        click.echo(f"  left in the inbox {name}: {reason}", err=True)
    for name in result["vanished"]:
        click.echo(f"  vanished {name}: removed from the inbox before it was cleaned", err=True)
    if result["quarantined"]:
        click.echo(f"  quarantine: {result['quarantine']}")
    click.echo(f"flow run: {result['flow_run_name']}; artifact: {result['artifacts']['summary']}")
    return 0


@run.command(name="evaluate")
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@settings_options
def evaluate_command(folder: str, **options: Any) -> int:
    """Score raw and cleaned NAME.txt against NAME.ref.txt in FOLDER (BLEU, chrF++, TER)."""
    result = _run_flow("copydesk_flows.evaluate", "evaluate", settings_spec(options), folder=folder)
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
    help="Deployment name: runs are 'clean-inbox/NAME'. A work-pool deployment of that "
    "name is never taken over: serving it is refused.",
)
@_inbox_folders
@_dask_address
@settings_options
def serve_inbox_command(
    inbox: str,
    cron: str,
    name: str,
    outbox: str | None,
    quarantine: str | None,
    dask_address: str | None,
    **options: Any,
) -> int:
    """Serve the clean-inbox deployment on a cron schedule until interrupted.

    Start a server first (prefect server start) and set PREFECT_API_URL; a manual run is
    then: prefect deployment run 'clean-inbox/NAME'.
    """
    # Absolute paths: the served runs must not depend on the directory they start in.
    spec = settings_spec(options).with_absolute_paths()
    _check_settings(spec)
    _require_prefect()
    from prefect.settings import PREFECT_API_URL

    from copydesk_flows.inbox import clean_inbox

    if not PREFECT_API_URL.value():
        click.echo(
            "warning: PREFECT_API_URL is not set; scheduled runs need a running Prefect server",
            err=True,
        )
    parameters: dict[str, Any] = {"inbox": str(Path(inbox).resolve())}
    for key, value in (("outbox", outbox), ("quarantine", quarantine)):
        if value:
            parameters[key] = str(Path(value).resolve())
    parameters["spec"] = _spec_parameter(spec)
    if dask_address:
        parameters["dask_address"] = dask_address
    _refuse_takeover(name)
    click.echo(f"serving clean-inbox/{name} ({cron})")
    click.echo(f"manual run: prefect deployment run 'clean-inbox/{name}'")
    sys.stdout.flush()
    clean_inbox.serve(name=name, cron=cron, parameters=parameters)
    return 0


@run.command(name="serve-review")
@click.argument("outbox", type=click.Path(file_okay=False))
@click.option(
    "--name",
    default="review-article",
    show_default=True,
    help="Deployment name: runs are 'clean-article/NAME'.",
)
@_review_timeout
@settings_options
def serve_review_command(outbox: str, name: str, review_timeout: int, **options: Any) -> int:
    """Serve clean-article with review on, writing into OUTBOX, until interrupted.

    An editor starts a run from the UI (Deployments, clean-article/NAME, Run, Custom run)
    with the article's absolute path, reviews it in the same run's Resume dialog, and
    finds the reviewed outputs in OUTBOX.
    """
    spec = settings_spec(options).with_absolute_paths()
    _check_settings(spec)
    _require_server("serve-review")
    from copydesk_flows.article import clean_article

    folder = Path(outbox).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    parameters = {
        "out_dir": str(folder),
        "review": True,
        "review_timeout": review_timeout,
        "spec": _spec_parameter(spec),
    }
    click.echo(f"serving clean-article/{name} (review on) into {folder}")
    click.echo(f"run: prefect deployment run 'clean-article/{name}' --param path=/abs/ARTICLE.txt")
    sys.stdout.flush()
    clean_article.serve(name=name, parameters=parameters)
    return 0
