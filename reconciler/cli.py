"""The ``acr`` command line: the only module that prints, prompts or exits.

Plans go to stdout; progress, prompts and errors to stderr, so ``acr plan --format json >
plan.json`` stays clean. Exit codes: 0 success (for plan: no changes), 1 any error, usage
errors included, 2 only for ``plan --detailed-exitcode`` when changes are pending.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler import __version__
from reconciler.errors import ApplyError, ConfigError, PlanError, ReconcilerError
from reconciler.lock import DEFAULT_TIMEOUT, account_lock
from reconciler.outfiles import check_writable, os_error_message, write_text
from reconciler.secrets import mask_text
from reconciler.shown_errors import shown_error, shown_traceback

# The rest of acr is imported by the commands that use it, so that `acr --help` and
# `acr validate` start without loading httpx, asyncio, DeepDiff or the sandbox.
if TYPE_CHECKING:
    from reconciler.manifest import Desired, Policy, Project, Target
    from reconciler.plan import Change, Plan
    from reconciler.safety import Rules
    from reconciler.session import Session

EXIT_CHANGES = 2
FORMATS = ("text", "json", "markdown")  # reconciler.render.FORMATS (a test keeps them equal)
SANDBOX_STATE = Path(".acr/sandbox.json")  # reconciler.session.SANDBOX_STATE (likewise)


@dataclass
class Options:
    debug: bool = False
    project: str | None = None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="acr")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.option(
    "--project",
    "project",
    metavar="FILE",
    help="Project file (default: ./acr.yaml when it exists).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, project: str | None) -> None:
    """acr keeps an ActiveCampaign account's tags, lists, custom fields, deal pipelines and
    stages, and webhooks in YAML manifests: `plan` shows what would change, `apply` changes it.

    \b
    Credentials come from the environment:
      MATON_API_KEY, MATON_GATEWAY_URL, MATON_CONNECTION      (through the Maton gateway)
      ACTIVECAMPAIGN_URL, ACTIVECAMPAIGN_API_TOKEN            (directly)
      ACR_RATE_LIMIT    requests per second per account (default 5, the API's limit)
      ACR_TIMEOUT       seconds to wait for each answer (default 10; or --timeout)
    Use --sandbox on plan and apply to rehearse against the built-in sandbox instead.
    """
    ctx.obj = Options(debug=debug, project=project)


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=str))
target_option = click.option("--target", "-t", metavar="NAME", help="A target of acr.yaml.")
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True, max=3600),
    metavar="S",
    help="Seconds to wait for each request's answer (default: ACR_TIMEOUT, else 10).",
)
sandbox_option = click.option(
    "--sandbox",
    is_flag=True,
    help=f"Run against the built-in sandbox (state in {SANDBOX_STATE}), not a real account.",
)


@cli.command()
@paths_argument
@target_option
@click.pass_obj
def validate(opts: Options, paths: tuple[str, ...], target: str | None) -> None:
    """Check the manifests offline: syntax, keys, types, references. Sends nothing and reads
    no ${env.*} value, so it runs without the secrets (plan and apply need them)."""
    from reconciler.manifest import load_project

    project = load_project(opts.project)
    desired = _load(project, paths, _target(project, target), read_env=False)
    counts = Counter(obj.kind for obj in desired.objects)
    summary = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items()))
    files = len(desired.files)
    click.echo(f"Valid: {summary or 'nothing'} in {files} file{'s' if files != 1 else ''}.")
    if desired.env_names:
        names = ", ".join(desired.env_names)
        click.echo(f"Not read (plan and apply need them): {names}.", err=True)


@cli.command()
@paths_argument
@target_option
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="How to print the plan.",
)  # fmt: skip
@click.option("--out", metavar="FILE", help="Also write the plan as JSON to FILE.")
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes (0 when none)."
)
@sandbox_option
@timeout_option
@click.pass_obj
def plan(
    opts: Options,
    paths: tuple[str, ...],
    target: str | None,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    sandbox: bool,
    timeout: float | None,
) -> int:
    """Show what apply would change. Reads the account; never writes to it. A plan that apply
    would refuse is printed in full, with the reasons, and the exit code is 1."""
    from reconciler.manifest import load_project
    from reconciler.render import render
    from reconciler.safety import enforce

    out_file = check_writable(out, "--out") if out else None  # before anything is read
    project = load_project(opts.project)
    chosen = _target(project, target)
    desired = _load(project, paths, chosen)
    result = _make_plan(project, chosen, desired, _session(chosen, sandbox, timeout))
    click.echo(render(result, fmt), nl=False)
    if out_file:
        write_text(out_file, render(result, "json"), "--out")
        click.echo(f"Plan written to {out}.", err=True)
    enforce(result)
    return EXIT_CHANGES if detailed_exitcode and not result.empty else 0


@cli.command()
@paths_argument
@target_option
@click.option("--yes", "-y", is_flag=True, help="Apply without asking for confirmation.")
@click.option(
    "--plan", "saved", metavar="PLAN.json",
    help="A plan saved with `plan --out`: apply only if a fresh plan still matches it.",
)  # fmt: skip
@click.option(
    "--allow-deletes", type=click.IntRange(min=0), metavar="N",
    help="Allow up to N deletes (policy.max_deletes, or the default limit, refuses more).",
)  # fmt: skip
@click.option(
    "--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
    metavar="S", help="Seconds to wait for another apply on the same account to finish.",
)  # fmt: skip
@sandbox_option
@timeout_option
@click.pass_obj
def apply(
    opts: Options,
    paths: tuple[str, ...],
    target: str | None,
    yes: bool,
    saved: str | None,
    allow_deletes: int | None,
    lock_timeout: float,
    sandbox: bool,
    timeout: float | None,
) -> None:
    """Make the account match the manifests: plan, confirm, then create, update and delete
    in dependency order. Stops at the first error, or between changes on Ctrl-C, and says
    what was done. One apply at a time per account on this machine."""
    import asyncio

    from reconciler.manifest import load_project
    from reconciler.render import render
    from reconciler.safety import enforce

    project = load_project(opts.project)
    chosen = _target(project, target)
    desired = _load(project, paths, chosen)
    session = _session(chosen, sandbox, timeout)
    policy = _policy(project, chosen)
    what = session.endpoint.description
    with account_lock(session.endpoint.account, what=what, timeout=lock_timeout, on_wait=_note):
        rules = _rules(policy, allow_deletes)
        result = asyncio.run(session.plan(desired, policy.prune, rules))
        click.echo(render(result, "text"), nl=False)
        if saved:
            _check_saved(saved, result)
        enforce(result)
        if result.empty:
            return
        _confirm(result, yes)
        report = asyncio.run(session.apply(result, _progress, on_signal=_note))
    counts = Counter(c.action for c in result.changes)
    click.echo(
        f"Apply complete: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted ({len(report.done)} changes). Journal: {report.journal}"
    )


@cli.command()
@click.option("--project", "for_project", is_flag=True, help="The acr.yaml schema instead.")
@click.option("--write", is_flag=True, help="Write both schemas into ./schemas/.")
def schema(for_project: bool, write: bool) -> None:
    """Print the JSON Schema of the manifests (for editors and CI checks)."""
    import json

    from reconciler.manifest import manifest_schema, project_schema, write_schemas

    if write:
        for path in write_schemas(Path("schemas")):
            click.echo(f"wrote {path}", err=True)
        return
    document = project_schema() if for_project else manifest_schema()
    click.echo(json.dumps(document, indent=2, sort_keys=True))


@cli.group()
def sandbox() -> None:
    """The built-in sandbox: a local stand-in for the Maton gateway and ActiveCampaign."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8787, show_default=True, type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)  # fmt: skip
@click.option("--state", metavar="FILE", help="Keep the state in FILE (kept across restarts).")
@click.option("--seed", metavar="FILE", help="Start from this seed when there is no state yet.")
@click.option("--latency-ms", default=0, show_default=True, type=int, help="Delay every answer.")
@click.option(
    "--rate-limit", default=5.0, show_default=True, type=float,
    help="Requests per second per account before 429 (0: no limit).",
)  # fmt: skip
@click.option(
    "--faults", "fault_rate", default=0.0, type=click.FloatRange(0, 1), metavar="RATE",
    help="Share of requests (0 to 1) answered with a fault: 5xx, drops, timeouts, 403s.",
)  # fmt: skip
@click.option("--fault-seed", default=0, show_default=True, type=int, help="Seed of the faults.")
def serve(
    host: str,
    port: int,
    state: str | None,
    seed: str | None,
    latency_ms: int,
    rate_limit: float,
    fault_rate: float,
    fault_seed: int,
) -> None:
    """Serve the sandbox over HTTP until Ctrl-C. Point MATON_GATEWAY_URL at it."""
    from reconciler.sandbox import SandboxStore
    from reconciler.sandbox.faults import FaultOptions
    from reconciler.sandbox.server import serve as run

    store = SandboxStore.open(_path(state), _path(seed))
    run(
        store,
        host=host,
        port=port,
        latency_ms=latency_ms,
        rate_limit=rate_limit or None,
        faults=FaultOptions(fault_rate, fault_seed) if fault_rate else None,
        announce=lambda line: click.echo(line, err=True),
    )


@sandbox.command()
@click.option("--seed", metavar="FILE", help="Seed file (default: an empty account).")
@click.option(
    "--state", default=str(SANDBOX_STATE), show_default=True, metavar="FILE",
    help="The state file to start afresh.",
)  # fmt: skip
def reset(seed: str | None, state: str) -> None:
    """Start the sandbox state afresh, empty or from a seed (what --sandbox runs against)."""
    from reconciler.sandbox import SandboxStore
    from reconciler.sandbox.store import check_state_folder

    path = Path(state)
    check_state_folder(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot remove {path}: {exc.strerror or exc}") from exc
    SandboxStore.open(path, _path(seed)).save()
    click.echo(f"Sandbox state {path} reset{f' from {seed}' if seed else ''}.", err=True)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _target(project: Project, name: str | None) -> Target | None:
    if name is None:
        return None
    if name not in project.targets:
        known = ", ".join(sorted(project.targets)) or "none defined"
        raise ConfigError(f'target "{name}" is not in the project file (targets: {known})')
    return project.targets[name]


def _load(
    project: Project, paths: Sequence[str], target: Target | None, *, read_env: bool = True
) -> Desired:
    from reconciler.manifest import load_manifests

    variables = {**project.vars, **(target.vars if target else {})}
    desired = load_manifests(
        list(paths) or list(project.manifests), vars=variables, read_env=read_env
    )
    if desired.skipped:
        names = ", ".join(desired.skipped[:10]) + (" …" if len(desired.skipped) > 10 else "")
        click.echo(
            f"Skipped {len(desired.skipped)} file(s) that are not manifests (*.yaml, *.yml): "
            f"{names}",
            err=True,
        )
    return desired


def _policy(project: Project, target: Target | None) -> Policy:
    return target.policy if target and target.policy else project.policy


def _rules(policy: Policy, allow_deletes: int | None = None) -> Rules:
    from reconciler.protect import Protection
    from reconciler.safety import Rules

    return Rules(Protection(policy.protect), policy.max_deletes, allow_deletes)


def _make_plan(project: Project, target: Target | None, desired: Desired, session: Session) -> Plan:
    import asyncio

    policy = _policy(project, target)
    return asyncio.run(session.plan(desired, policy.prune, _rules(policy)))


def _check_saved(path: str, fresh: Plan) -> None:
    import json

    from reconciler.plan import compare_saved

    try:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the saved plan {path}: {exc}") from exc
    moved = compare_saved(saved if isinstance(saved, dict) else {}, fresh)
    if moved:
        raise PlanError(
            f"the saved plan {path} is out of date, so nothing was changed:\n"
            + "\n".join(f"  - {line}" for line in moved)
            + "\nMake and review a new plan with `acr plan --out`."
        )


def _session(target: Target | None, sandbox: bool, timeout: float | None = None) -> Session:
    from reconciler.session import Session

    return Session.open(
        target, sandbox=sandbox, env=os.environ, on_retry=_retrying, timeout=timeout
    )


def _retrying(message: str) -> None:
    click.echo(f"  … {mask_text(message)}", err=True)


def _note(message: str) -> None:
    click.echo(message, err=True)


def _progress(number: int, total: int, change: Change) -> None:
    from reconciler.apply import describe

    click.echo(f"[{number}/{total}] {describe(change)}", err=True)


def _confirm(result: Plan, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfigError("refusing to apply without confirmation: no terminal. Pass --yes.")
    summary = result.summary
    question = (
        f"Apply {summary['create']} create(s), {summary['update']} update(s) and "
        f"{summary['delete']} delete(s) to target {result.target}?"
    )
    if not click.confirm(question, default=False, err=True):
        raise ConfigError("apply cancelled; nothing was changed.")


def main(argv: Sequence[str] | None = None) -> None:
    """Run acr: errors become one message on stderr and exit code 1, never a traceback
    (unless --debug)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=args, prog_name="acr", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        # Outside apply's own handling (which catches the signal while it writes), an
        # interrupt only ever stops a read, a prompt or a wait for the lock.
        click.echo("Aborted; nothing was changed.", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = 1
    except ApplyError as exc:
        if "--debug" in args:
            raise
        click.echo(f"Error: {exc}", err=True)
        code = exc.exit_code
    except ReconcilerError as exc:
        if "--debug" in args:
            click.echo(shown_traceback(exc, os.environ), err=True, nl=False)
        click.echo(f"Error: {shown_error(exc)}", err=True)
        code = 1
    except Exception as exc:  # a bug: say so plainly, show the traceback only with --debug
        if "--debug" in args:
            click.echo(shown_traceback(exc, os.environ), err=True, nl=False)
        # ... except an operating-system error about a file (one that vanished, a folder
        # that may not be written): that is the user's to fix
        message = os_error_message(exc) if isinstance(exc, OSError) else None
        if message is not None:
            click.echo(f"Error: {mask_text(message)}", err=True)
        else:
            click.echo(f"Internal error: {type(exc).__name__}: {mask_text(str(exc))}", err=True)
            click.echo("This is a bug in acr; run again with --debug for the traceback.", err=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
