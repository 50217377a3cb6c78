"""The ``acr`` command line: the only module that prints, prompts or exits.

Plans go to stdout; progress, prompts and errors to stderr, so ``acr plan --format json >
plan.json`` stays clean. Exit codes: 0 success (for plan: no changes), 1 any error, usage
errors included, 2 only for ``plan --detailed-exitcode`` when changes are pending.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reconciler import __version__, github
from reconciler.errors import ApplyError, ConfigError, ManifestError, PlanError, ReconcilerError
from reconciler.lock import DEFAULT_TIMEOUT, account_lock
from reconciler.outfiles import check_writable, os_error_message, write_text
from reconciler.secrets import mask_text
from reconciler.shown_errors import shown_error, shown_traceback
from reconciler.targets import choose, load_for
from reconciler.words import plural

# The rest of acr is imported by the commands that use it, so that `acr --help` and
# `acr validate` start without loading httpx, asyncio, DeepDiff or the sandbox.
if TYPE_CHECKING:
    from reconciler.apply import Progress
    from reconciler.manifest import Desired, Project, Target
    from reconciler.plan import Change, Plan
    from reconciler.targets import Run

EXIT_CHANGES = 2
FORMATS = ("text", "json", "markdown")  # reconciler.render.FORMATS (a test keeps them equal)
SANDBOX_STATE = Path(".acr/sandbox.json")  # reconciler.session.SANDBOX_STATE (likewise)


@dataclass
class Options:
    debug: bool = False
    project: str | None = None
    no_color: bool = False


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="acr")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.option(
    "--project",
    "project",
    metavar="FILE",
    help="Project file (default: ./acr.yaml when it exists).",
)
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal (or set NO_COLOR).")
@click.pass_context
def cli(ctx: click.Context, debug: bool, project: str | None, no_color: bool) -> None:
    """acr keeps an ActiveCampaign account's tags, lists, custom fields, deal pipelines and
    stages, and webhooks in YAML manifests: `plan` shows what would change, `apply` changes it.

    \b
    Credentials come from the environment:
      MATON_API_KEY, MATON_GATEWAY_URL, MATON_CONNECTION      (through the Maton gateway)
      ACTIVECAMPAIGN_URL, ACTIVECAMPAIGN_API_TOKEN            (directly)
      ACR_RATE_LIMIT    requests per second per account (default 5, the API's limit)
      ACR_MATON_RATE_LIMIT  requests per second per Maton key, all accounts (default 10)
      MATON_CONTROL_URL  where `acr connections` reads /connections
      ACR_TIMEOUT       seconds to wait for each answer (default 10; or --timeout)
    Use --sandbox on plan and apply to rehearse against the built-in sandbox instead.
    """
    ctx.obj = Options(debug=debug, project=project, no_color=no_color)


def _set_option(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """Options of the group also accepted after the subcommand: ``acr plan --debug``."""
    if value and param.name:
        setattr(ctx.ensure_object(Options), param.name, value)


def common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in (
        click.option("--debug", is_flag=True, expose_value=False, callback=_set_option,
                     help="Show a traceback when something fails."),
        click.option("--project", metavar="FILE", expose_value=False, callback=_set_option,
                     help="Project file (default: ./acr.yaml when it exists)."),
        click.option("--no-color", is_flag=True, expose_value=False, callback=_set_option,
                     help="No colour, even on a terminal (or set NO_COLOR)."),
    ):  # fmt: skip
        command = decorator(command)
    return command


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=str))
target_option = click.option("--target", "-t", metavar="NAME", help="A target of acr.yaml.")
all_targets_option = click.option(
    "--all-targets", is_flag=True, help="Every target of acr.yaml, concurrently."
)
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
@common_options
@click.pass_obj
def validate(opts: Options, paths: tuple[str, ...], target: str | None) -> None:
    """Check the manifests offline: syntax, keys, types, references. Sends nothing and reads
    no ${env.*} value, so it runs without the secrets (plan and apply need them). With
    targets and no --target (nor default_target), checks them with every target's vars."""
    from reconciler.manifest import load_project

    project = load_project(opts.project)
    chosen = _validated_targets(project, target)
    for each_target in chosen:
        desired = _load(project, paths, each_target, read_env=False)
        for warning in desired.warnings:
            click.echo(f"Warning: {warning}", err=True)
            if github.in_actions(os.environ):
                click.echo(github.annotation(warning, "warning"), err=True)
    counts = Counter(obj.kind for obj in desired.objects)
    summary = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items()))
    files = len(desired.files)
    names = [t.name for t in chosen if t is not None]
    against = f" (targets: {', '.join(names)})" if len(names) > 1 else ""
    click.echo(
        f"Valid: {summary or 'nothing'} in {files} file{'s' if files != 1 else ''}{against}."
    )
    if desired.env_names:
        needed = ", ".join(desired.env_names)
        click.echo(f"Not read (plan and apply need them): {needed}.", err=True)


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
@all_targets_option
@sandbox_option
@common_options
@timeout_option
@click.pass_obj
def plan(
    opts: Options,
    paths: tuple[str, ...],
    target: str | None,
    all_targets: bool,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    sandbox: bool,
    timeout: float | None,
) -> int:
    """Show what apply would change. Reads the account; never writes to it. A plan that apply
    would refuse is printed in full, with the reasons, and the exit code is 1."""
    import asyncio

    from reconciler.fleet import exit_code, plan_targets, render_plans
    from reconciler.manifest import load_project
    from reconciler.render import render
    from reconciler.safety import enforce

    out_file = check_writable(out, "--out") if out else None  # before anything is read
    project = load_project(opts.project)
    chosen = choose(project, target, all_targets=all_targets)
    run = _run(sandbox, timeout)
    if all_targets:
        if out:
            raise ConfigError("--out saves one target's plan: use it with --target NAME")
        outcomes = asyncio.run(plan_targets(run, project, chosen, paths))
        click.echo(render_plans(outcomes, fmt, colour=_colour(opts)), nl=False)
        _write_step_summary(lambda: render_plans(outcomes, "markdown"))
        refused = [o.target for o in outcomes if o.ok and o.value.refused]
        if refused:
            raise PlanError(f"apply would refuse the plan of target(s) {', '.join(refused)}")
        return exit_code(outcomes, detailed=detailed_exitcode)
    desired = _load(project, paths, chosen[0])
    result = _make_plan(run, project, chosen[0], desired)
    full_plan = _full_plan_hint(out)
    click.echo(render(result, fmt, colour=_colour(opts), full_plan=full_plan), nl=False)
    if out_file:
        write_text(out_file, render(result, "json"), "--out")
        click.echo(f"Plan written to {out}.", err=True)
    _write_step_summary(lambda: render(result, "markdown", full_plan=full_plan))
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
@all_targets_option
@sandbox_option
@common_options
@timeout_option
@click.pass_obj
def apply(
    opts: Options,
    paths: tuple[str, ...],
    target: str | None,
    all_targets: bool,
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
    chosen = choose(project, target, all_targets=all_targets)
    run = _run(sandbox, timeout)
    if all_targets:
        if saved:
            raise ConfigError("--plan applies one target's saved plan: use it with --target NAME")
        with _locks(run, chosen, lock_timeout):
            _apply_all(run, project, chosen, paths, yes, allow_deletes, colour=_colour(opts))
        return
    desired = _load(project, paths, chosen[0])
    with _locks(run, chosen, lock_timeout):
        result = _make_plan(run, project, chosen[0], desired, allow_deletes)
        click.echo(render(result, "text", colour=_colour(opts)), nl=False)
        if saved:
            _check_saved(saved, result)
        enforce(result)
        if result.empty:
            return
        _confirm(result, yes)
        report = asyncio.run(
            run.attempt(chosen[0], lambda s: s.apply(result, _progress, on_signal=_note))
        )
    counts = Counter(c.action for c in result.changes)
    click.echo(
        f"Apply complete: {counts['create']} created, {counts['update']} updated, "
        f"{counts['delete']} deleted ({plural(len(report.done), 'change')}). "
        f"Journal: {report.journal}"
    )


def _locks(run: Run, targets: Sequence[Target | None], timeout: float) -> ExitStack:
    """The lock of every account ``targets`` reach, taken in one order (so two runs over
    overlapping targets never wait on each other in a circle); released when the block ends."""
    endpoints = {}
    for target in targets:
        endpoint = run.session(target).endpoint
        endpoints[endpoint.account] = endpoint.description
    stack = ExitStack()
    try:
        for account in sorted(endpoints):
            stack.enter_context(
                account_lock(account, what=endpoints[account], timeout=timeout, on_wait=_note)
            )
    except BaseException:
        stack.close()
        raise
    return stack


def _apply_all(
    run: Run,
    project: Project,
    targets: list[Target | None],
    paths: Sequence[str],
    yes: bool,
    allow_deletes: int | None,
    *,
    colour: bool = False,
) -> None:
    """Plan every target, show the plans, check them all, ask once, apply concurrently."""
    import asyncio

    from reconciler.fleet import apply_targets, plan_targets, render_plans
    from reconciler.safety import enforce

    run.check_distinct(targets)
    outcomes = asyncio.run(plan_targets(run, project, targets, paths, allow_deletes))
    click.echo(render_plans(outcomes, "text", colour=colour), nl=False)
    failed = [o.target for o in outcomes if not o.ok]
    if failed:
        raise PlanError(f"target(s) {', '.join(failed)} could not be planned; nothing was changed")
    plans = [(t, o.value) for t, o in zip(targets, outcomes, strict=True)]
    for _, result in plans:
        enforce(result)
    pending = [result for _, result in plans if not result.empty]
    if not pending:
        return
    _confirm_all(pending, yes)
    applied = asyncio.run(apply_targets(run, plans, _target_progress))
    for outcome in applied:
        if outcome.ok:
            done = plural(len(outcome.value.done), "change")
            click.echo(f"{outcome.target}: apply complete ({done}).")
        else:
            click.echo(f"{outcome.target}: {outcome.error}", err=True)
    if any(not o.ok for o in applied):
        raise ConfigError(
            "apply failed on target(s) "
            + ", ".join(o.target for o in applied if not o.ok)
            + "; the others were applied. Run apply again to converge."
        )


@cli.command(name="export")
@target_option
@click.option(
    "--out", metavar="DIR",
    help="Where to write the manifests (default: the project's manifests folder).",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@sandbox_option
@click.pass_obj
def export_command(
    opts: Options, target: str | None, out: str | None, force: bool, sandbox: bool
) -> None:
    """Write the live account as manifests, one file per section: how to adopt acr on an
    account that exists. Planning them against the account shows no changes."""
    import asyncio

    from reconciler.export import export_account, export_files, write_files
    from reconciler.manifest import load_project

    project = load_project(opts.project)
    (chosen,) = choose(project, target)
    run = _run(sandbox)
    session = run.session(chosen)
    account, notes = asyncio.run(run.attempt(chosen, lambda s: s.read()))
    result = export_account(account.objects)
    result.skipped += notes
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    source = session.endpoint.description + (f" (target {chosen.name})" if chosen else "")
    folder = Path(out or _export_folder(project))
    written = write_files(export_files(result, source, when), folder, force=force)
    counts = ", ".join(f"{p.name} ({len(result.sections[p.stem])})" for p in written)
    click.echo(f"Exported {result.count} objects to {folder}/: {counts or 'nothing'}.")
    if result.placeholders:
        click.echo(
            "Credentials in URLs were replaced by ${env.NAME}; set these before plan: "
            + ", ".join(p.name for p in result.placeholders),
        )
    for line in result.skipped:
        click.echo(f"Warning: left out {line}", err=True)


def _export_folder(project: Project) -> str:
    first = project.manifests[0] if project.manifests else "manifests"
    return "manifests" if first.endswith((".yaml", ".yml")) else first


@cli.command()
@sandbox_option
@click.pass_obj
def connections(opts: Options, sandbox: bool) -> int:
    """List the Maton key's active-campaign connections, their status, and which target
    uses each. Exits 1 when a target's connection is missing or not active."""
    import asyncio

    from reconciler.connections import control_url, read_connections, render_report, report
    from reconciler.manifest import load_project

    project = load_project(opts.project)
    run = _run(sandbox)
    session = run.session(None)
    listing = asyncio.run(read_connections(session, os.environ))
    found = report(listing, list(project.targets.values()))
    where = control_url(os.environ, session.endpoint.gateway) or ""
    click.echo(render_report(found, "the built-in sandbox" if sandbox else where), nl=False)
    return 1 if found.problems else 0


@cli.command()
@paths_argument
@click.option("--targets", "names", metavar="A,B,...", help="Targets to compare (default: all).")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text",
    show_default=True, help="How to print the comparison.",
)  # fmt: skip
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when a target differs (0 when none)."
)
@sandbox_option
@click.pass_obj
def compare(
    opts: Options,
    paths: tuple[str, ...],
    names: str | None,
    fmt: str,
    detailed_exitcode: bool,
    sandbox: bool,
) -> int:
    """Show how far each target is from the manifests: a matrix of kinds by targets, then
    the objects that differ. Reads the accounts; never writes to them."""
    from reconciler.compare import parity
    from reconciler.compare import render as render_parity
    from reconciler.fleet import plan_targets
    from reconciler.manifest import load_project

    project = load_project(opts.project)
    if names:
        chosen = [choose(project, n.strip())[0] for n in names.split(",") if n.strip()]
    else:
        chosen = list(project.targets.values()) or [None]
    import asyncio

    outcomes = asyncio.run(plan_targets(_run(sandbox), project, chosen, paths))
    result = parity(outcomes)
    click.echo(render_parity(result, fmt), nl=False)
    if result.errors:
        return 1
    return EXIT_CHANGES if detailed_exitcode and not result.in_sync else 0


@cli.command()
@click.option("--project", "for_project", is_flag=True, help="The acr.yaml schema instead.")
@click.option("--write", is_flag=True, help="Write both schemas into ./schemas/.")
def schema(for_project: bool, write: bool) -> None:
    """Print the JSON Schema of the manifests (for editors and CI checks)."""
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
    from reconciler.sandbox import open_store
    from reconciler.sandbox.faults import FaultOptions
    from reconciler.sandbox.server import serve as run

    store = open_store(_path(state), _path(seed))
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
    from reconciler.sandbox import open_store
    from reconciler.sandbox.store import check_state_folder

    path = Path(state)
    check_state_folder(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot remove {path}: {exc.strerror or exc}") from exc
    open_store(path, _path(seed)).save()
    click.echo(f"Sandbox state {path} reset{f' from {seed}' if seed else ''}.", err=True)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _validated_targets(project: Project, name: str | None) -> list[Target | None]:
    if name is None and project.targets and project.default_target is None:
        return list(project.targets.values())
    return choose(project, name)


def _load(
    project: Project, paths: Sequence[str], target: Target | None, *, read_env: bool = True
) -> Desired:
    desired = load_for(project, paths, target, read_env=read_env)
    if desired.skipped:
        names = ", ".join(desired.skipped[:10]) + (" …" if len(desired.skipped) > 10 else "")
        click.echo(
            f"Skipped {len(desired.skipped)} file(s) that are not manifests (*.yaml, *.yml): "
            f"{names}",
            err=True,
        )
    return desired


def _run(sandbox: bool, timeout: float | None = None) -> Run:
    from reconciler.targets import Run

    return Run(os.environ, sandbox=sandbox, on_retry=_retrying, timeout=timeout)


def _make_plan(
    run: Run,
    project: Project,
    target: Target | None,
    desired: Desired,
    allow_deletes: int | None = None,
) -> Plan:
    import asyncio

    from reconciler.targets import policy_for, rules_for

    prune = policy_for(project, target).prune
    rules = rules_for(project, target, allow_deletes)
    return asyncio.run(run.attempt(target, lambda session: session.plan(desired, prune, rules)))


def _check_saved(path: str, fresh: Plan) -> None:
    from reconciler.review import compare_saved

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


def _retrying(message: str) -> None:
    click.echo(f"  … {mask_text(message)}", err=True)


def _note(message: str) -> None:
    click.echo(message, err=True)


def _progress(number: int, total: int, change: Change) -> None:
    from reconciler.apply import describe

    click.echo(f"[{number}/{total}] {describe(change)}", err=True)


def _target_progress(name: str) -> Progress:
    from reconciler.apply import describe

    def report(number: int, total: int, change: Change) -> None:
        click.echo(f"{name} [{number}/{total}] {describe(change)}", err=True)

    return report


def _confirm_all(plans: list[Plan], yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfigError("refusing to apply without confirmation: no terminal. Pass --yes.")
    names = ", ".join(p.target for p in plans)
    if not click.confirm(f"Apply the plans above to {names}?", default=False, err=True):
        raise ConfigError("apply cancelled; nothing was changed.")


def _confirm(result: Plan, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ConfigError("refusing to apply without confirmation: no terminal. Pass --yes.")
    summary = result.summary
    account = f" ({result.endpoint})" if result.endpoint else ""
    question = (
        f"Apply {plural(summary['create'], 'create')}, {plural(summary['update'], 'update')} "
        f"and {plural(summary['delete'], 'delete')} to target {result.target}{account}?\n"
        "Only 'yes' is accepted to confirm"
    )
    answer = click.prompt(question, default="", show_default=False, err=True)
    if answer.strip() != "yes":
        raise ConfigError("apply cancelled; nothing was changed.")


def _colour(opts: Options) -> bool:
    """Colour only on a terminal, and never with --no-color, NO_COLOR (no-color.org) or a
    dumb terminal."""
    if opts.no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _write_step_summary(markdown: Callable[[], str]) -> None:
    """In GitHub Actions, append the plan's markdown to the run's step summary."""
    if github.in_actions(os.environ) and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(markdown() + "\n")


def _full_plan_hint(out: str | None) -> str | None:
    """Where a markdown plan cut to fit a comment sends readers for the whole plan."""
    if not out:
        return None
    url = github.run_url(os.environ) if github.in_actions(os.environ) else None
    return f"{out} (`acr plan --out`)" + (f", among the artifacts of {url}" if url else "")


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
            click.echo(shown_traceback(exc, os.environ), err=True, nl=False)
        click.echo(f"Error: {shown_error(exc)}", err=True)
        code = exc.exit_code
    except ReconcilerError as exc:
        if "--debug" in args:
            click.echo(shown_traceback(exc, os.environ), err=True, nl=False)
        click.echo(f"Error: {shown_error(exc)}", err=True)
        if isinstance(exc, ManifestError) and github.in_actions(os.environ):
            for problem in exc.problems:
                click.echo(github.annotation(problem), err=True)
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
