"""Which accounts a command works on, and running one step on several of them at once.

With targets in ``acr.yaml``, a command names one (``--target``), all (``--all-targets``),
or none, and then ``default_target`` is used; without one the command refuses and lists
the targets (design.md section 3). Targets run concurrently in one event loop: the run's
``Limiters`` keep each account within its rate and every account reached with one Maton
key within the key's, and with ``--sandbox`` they share one in-process sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from reconciler.errors import ApiError, ConfigError, ReconcilerError
from reconciler.manifest import Desired, Policy, Project, Target, load_manifests

# The session (httpx, asyncio) is imported when a run first needs one, so that `acr
# validate`, which only chooses targets and loads manifests, starts without it.
if TYPE_CHECKING:
    from reconciler.ratelimit import Limiters
    from reconciler.safety import Rules
    from reconciler.session import Session

T = TypeVar("T")


def choose(project: Project, name: str | None, *, all_targets: bool = False) -> list[Target | None]:
    """The targets a command works on: ``[None]`` when the project defines none."""
    if all_targets:
        if name is not None:
            raise ConfigError("give --target NAME or --all-targets, not both")
        if not project.targets:
            raise ConfigError(
                "--all-targets needs targets in the project file; define them under targets: "
                "in acr.yaml"
            )
        return list(project.targets.values())
    if name is None:
        if not project.targets:
            return [None]
        if project.default_target is None:
            raise ConfigError(
                f"the project file defines targets ({known(project)}): choose one with "
                "--target NAME or all with --all-targets, or set default_target in acr.yaml"
            )
        name = project.default_target
    if name not in project.targets:
        raise ConfigError(
            f'target "{name}" is not in the project file (targets: {known(project) or "none"})'
        )
    return [project.targets[name]]


def known(project: Project) -> str:
    return ", ".join(sorted(project.targets))


def load_for(
    project: Project,
    paths: Sequence[str],
    target: Target | None,
    *,
    read_env: bool = True,
    env: Mapping[str, str] | None = None,
) -> Desired:
    """The manifests at ``paths`` (the project's when empty) with ``target``'s vars (which
    hold the project's, ``merge_vars``), or the project's without a target; ``${env.*}`` from
    ``env`` (``os.environ`` when None); without ``read_env`` no ${env.*} value is read
    (``acr validate``)."""
    variables = target.vars if target else project.vars
    paths = list(paths) or list(project.manifests)
    return load_manifests(paths, kinds=project.kinds, vars=variables, env=env, read_env=read_env)


def policy_for(project: Project, target: Target | None) -> Policy:
    return target.policy if target and target.policy else project.policy


def rules_for(project: Project, target: Target | None, allow_deletes: int | None = None) -> Rules:
    """What the safety gate checks ``target``'s plan against: its policy and the command line."""
    from reconciler.protect import Protection
    from reconciler.safety import Rules

    policy = policy_for(project, target)
    return Rules(Protection(policy.protect), policy.max_deletes, allow_deletes)


def _limiters() -> Limiters:
    from reconciler.ratelimit import Limiters

    return Limiters()


def name_of(target: Target | None) -> str:
    return target.name if target else "default"


@dataclass
class Run:
    """The sessions of one command: one registry of rate limiters and, with ``sandbox``,
    one in-process sandbox, whatever the number of targets."""

    env: Mapping[str, str]
    sandbox: bool = False
    on_retry: Callable[[str], None] | None = None
    timeout: float | None = None  # seconds per request (--timeout); None: ACR_TIMEOUT
    limiters: Limiters = field(default_factory=_limiters)
    _app: Any = None

    def session(self, target: Target | None) -> Session:
        from reconciler.session import SANDBOX_STATE, Session, open_sandbox

        if self.sandbox and self._app is None:
            self._app = open_sandbox(SANDBOX_STATE)
        return Session.open(
            target,
            sandbox=self.sandbox,
            env=self.env,
            on_retry=self.on_retry,
            limiters=self.limiters,
            sandbox_app=self._app,
            timeout=self.timeout,
        )

    def check_distinct(self, targets: Sequence[Target | None]) -> None:
        """Refuse two targets that reach the same account: applied together they would race
        (both create the same objects)."""
        seen: dict[str, str] = {}
        for target in targets:
            account = self.session(target).endpoint.account
            if account in seen:
                raise ConfigError(
                    f'targets "{seen[account]}" and "{name_of(target)}" reach the same account '
                    f"({self.session(target).endpoint.description}); give each target its own "
                    "connection or url, or apply them one at a time with --target"
                )
            seen[account] = name_of(target)

    async def attempt(self, target: Target | None, work: Callable[[Session], Awaitable[T]]) -> T:
        """``work`` on ``target``'s session; when the gateway refuses the target's connection,
        the error says which target, and whether the connection is missing or not active."""
        from reconciler.connections import explain

        session = self.session(target)
        try:
            return await work(session)
        except ApiError as exc:
            if target is None or not target.connection or exc.status not in (400, 500):
                raise
            if not session.endpoint.maton:
                raise
            raise await explain(session, target, self.env, exc) from exc


@dataclass(frozen=True)
class Outcome:
    """What one target's step gave: a value, or the error that stopped it."""

    target: str
    value: Any = None
    error: ReconcilerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


async def each(
    targets: Sequence[Target | None], step: Callable[[Target | None], Awaitable[Any]]
) -> list[Outcome]:
    """Run ``step`` for every target concurrently. A target's error is its outcome: the
    other targets go on. Anything else (a bug) cancels them all and is raised."""

    async def one(target: Target | None) -> Outcome:
        try:
            return Outcome(name_of(target), value=await step(target))
        except ReconcilerError as exc:
            return Outcome(name_of(target), error=exc)

    from reconciler.paging import gather  # asyncio and the client's parts: only when run

    return await gather(one(t) for t in targets)
