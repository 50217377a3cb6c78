"""The ``acr`` command line: with ``cli_sandbox``, the only module that prints, prompts or
exits. It parses the arguments, runs the command's sequence (``reconciler.commands``) with
hooks that print, and maps the ``Result`` or the error to an exit code.

Plans go to stdout; progress, prompts and errors to stderr, so ``acr plan --format json >
plan.json`` stays clean. Exit codes: 0 success (for plan: no changes), 1 any error, usage
errors included, 2 only for ``plan --detailed-exitcode`` when changes are pending.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reconciler import __version__, github
from reconciler.cli_sandbox import SANDBOX_STATE, sandbox
from reconciler.errors import ApplyError, ManifestError, ReconcilerError
from reconciler.lock import DEFAULT_TIMEOUT
from reconciler.outfiles import os_error_message
from reconciler.secrets import mask_text
from reconciler.shown_errors import shown_error, shown_traceback

# The command sequences (reconciler.commands) and the rest of acr are imported by the
# commands that use them, so that `acr --help` and `acr validate` start without loading
# httpx, asyncio, DeepDiff or the sandbox.
if TYPE_CHECKING:
    from reconciler.commands.context import Context, Question, Result
    from reconciler.plan import Change

EXIT_CHANGES = 2
FORMATS = ("text", "json", "markdown")  # reconciler.render.FORMATS (a test keeps them equal)


@dataclass
class Options:
    """What every command shares: the group's options and where its sessions go."""

    debug: bool = False
    project: str | None = None
    no_color: bool = False
    sandbox: bool = False
    timeout: float | None = None


def _set_option(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """Options kept in ``Options``: those of the group, also accepted after the subcommand
    (``acr plan --debug``), and where the sessions go (``--sandbox``, ``--timeout``)."""
    if value and param.name:
        setattr(ctx.ensure_object(Options), param.name, value)


def common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--debug, --project and --no-color, listed in this order in the help."""
    for decorator in reversed((
        click.option("--debug", is_flag=True, expose_value=False, callback=_set_option,
                     help="Show a traceback when something fails."),
        click.option("--project", metavar="FILE", expose_value=False, callback=_set_option,
                     help="Project file (default: ./acr.yaml when it exists)."),
        click.option("--no-color", is_flag=True, expose_value=False, callback=_set_option,
                     help="No colour, even on a terminal (or set NO_COLOR)."),
    )):  # fmt: skip
        command = decorator(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="acr")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """acr keeps an ActiveCampaign account's configuration in YAML manifests (the sections
    `acr schema` describes): `plan` shows what would change, `apply` changes it.

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
    ctx.ensure_object(Options)


paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=str))
target_option = click.option("--target", "-t", metavar="NAME", help="A target of acr.yaml.")
all_targets_option = click.option(
    "--all-targets", is_flag=True, help="Every target of acr.yaml, concurrently."
)
timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True, max=3600), metavar="S",
    expose_value=False, callback=_set_option,
    help="Seconds to wait for each request's answer (default: ACR_TIMEOUT, else 10).",
)  # fmt: skip
sandbox_option = click.option(
    "--sandbox", is_flag=True, expose_value=False, callback=_set_option,
    help=f"Run against the built-in sandbox (state in {SANDBOX_STATE}), not a real account.",
)  # fmt: skip


@cli.command()
@paths_argument
@target_option
@common_options
@click.pass_obj
def validate(opts: Options, paths: tuple[str, ...], target: str | None) -> int:
    """Check the manifests offline: syntax, keys, types, references. Sends nothing and reads
    no ${env.*} value, so it runs without the secrets (plan and apply need them). With
    targets and no --target (nor default_target), checks them with every target's vars."""
    from reconciler.commands.validation import validate as run

    return _exit(run(_context(opts), paths, target))


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
def plan(opts: Options, detailed_exitcode: bool, **options: Any) -> int:
    """Show what apply would change. Reads the account; never writes to it. A plan that apply
    would refuse is printed in full, with the reasons, and the exit code is 1."""
    from reconciler.commands.planning import PlanRequest
    from reconciler.commands.planning import plan as run

    request = PlanRequest(**options, full_plan=_full_plan_hint(options["out"]))
    return _exit(run(_context(opts), request), detailed=detailed_exitcode)


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
def apply(opts: Options, **options: Any) -> int:
    """Make the account match the manifests: plan, confirm, then create, update and delete
    in dependency order. Stops at the first error, or between changes on Ctrl-C, and says
    what was done. One apply at a time per account on this machine."""
    from reconciler.commands.applying import ApplyRequest
    from reconciler.commands.applying import apply as run

    return _exit(run(_context(opts), ApplyRequest(**options)))


@cli.command(name="export")
@target_option
@click.option(
    "--out", metavar="DIR",
    help="Where to write the manifests (default: the project's manifests folder).",
)  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@sandbox_option
@click.pass_obj
def export_command(opts: Options, **options: Any) -> int:
    """Write the live account as manifests, one file per section: how to adopt acr on an
    account that exists. Planning them against the account shows no changes."""
    from reconciler.commands.accounts import ExportRequest, export

    return _exit(export(_context(opts), ExportRequest(**options)))


@cli.command()
@sandbox_option
@click.pass_obj
def connections(opts: Options) -> int:
    """List the Maton key's active-campaign connections, their status, and which target
    uses each. Exits 1 when a target's connection is missing or not active."""
    from reconciler.commands.accounts import connections as run

    return _exit(run(_context(opts)))


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
    opts: Options, paths: tuple[str, ...], names: str | None, fmt: str, detailed_exitcode: bool
) -> int:
    """Show how far each target is from the manifests: a matrix of kinds by targets, then
    the objects that differ. Reads the accounts; never writes to them."""
    from reconciler.commands.accounts import compare as run

    return _exit(run(_context(opts), paths, names, fmt), detailed=detailed_exitcode)


@cli.command()
@click.option("--project", "for_project", is_flag=True, help="The acr.yaml schema instead.")
@click.option("--write", is_flag=True, help="Write both schemas into ./schemas/.")
def schema(for_project: bool, write: bool) -> None:
    """Print the JSON Schema of the manifests (for editors and CI checks)."""
    from reconciler.kinds import standard_kinds
    from reconciler.manifest import manifest_schema, project_schema, write_schemas

    kinds = standard_kinds()
    if write:
        for path in write_schemas(Path("schemas"), kinds):
            click.echo(f"wrote {path}", err=True)
        return
    document = project_schema(kinds) if for_project else manifest_schema(kinds)
    click.echo(json.dumps(document, indent=2, sort_keys=True))


cli.add_command(sandbox)


def _context(opts: Options) -> Context:
    """The command's context, with hooks that print: results to stdout, the rest to stderr;
    it can ask for confirmation only on a terminal."""
    from reconciler.commands.context import Context, Hooks

    confirm = _confirm if sys.stdin.isatty() else None
    hooks = Hooks(show=_show, notice=_note, progress=_progress, confirm=confirm)
    return Context(hooks, os.environ, opts.project, opts.sandbox, opts.timeout, _colour(opts))


def _exit(result: Result, *, detailed: bool = False) -> int:
    """0 success, 1 a failure, 2 pending changes with --detailed-exitcode (design.md 4)."""
    from reconciler.commands.context import Result

    if result is Result.FAILED:
        return 1
    return EXIT_CHANGES if detailed and result is Result.CHANGES else 0


def _show(text: str) -> None:
    click.echo(text, nl=False)


def _note(message: str) -> None:
    click.echo(message, err=True)


def _progress(target: str | None, number: int, total: int, change: Change) -> None:
    from reconciler.apply import describe

    prefix = f"{target} " if target else ""
    click.echo(f"{prefix}[{number}/{total}] {describe(change)}", err=True)


def _confirm(question: Question) -> bool:
    if question.word is None:
        return click.confirm(question.text, default=False, err=True)
    answer = click.prompt(question.text, default="", show_default=False, err=True)
    return bool(answer.strip() == question.word)


def _colour(opts: Options) -> bool:
    """Colour only on a terminal, and never with --no-color, NO_COLOR (no-color.org) or a
    dumb terminal."""
    if opts.no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _full_plan_hint(out: str | None) -> str | None:
    """Where a markdown plan cut to fit a comment sends readers for the whole plan."""
    if not out:
        return None
    url = github.run_url(os.environ) if github.in_actions(os.environ) else None
    return f"{out} (`acr plan --out`)" + (f", among the artifacts of {url}" if url else "")


def _traceback(exc: BaseException, args: Sequence[str]) -> None:
    if "--debug" in args:
        click.echo(shown_traceback(exc, os.environ), err=True, nl=False)


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
    except ReconcilerError as exc:
        _traceback(exc, args)
        click.echo(f"Error: {shown_error(exc)}", err=True)
        if isinstance(exc, ManifestError) and github.in_actions(os.environ):
            for problem in exc.problems:
                click.echo(github.annotation(problem), err=True)
        code = exc.exit_code if isinstance(exc, ApplyError) else 1
    except Exception as exc:  # a bug: say so plainly, show the traceback only with --debug
        _traceback(exc, args)
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
