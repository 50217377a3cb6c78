"""What every command sequence works with, and what it gives back.

A sequence never prints: it hands text to ``Hooks.show`` (stdout: plans, reports), lines to
``Hooks.notice`` (stderr: progress, warnings, retries), each change apply starts to
``Hooks.progress``, and asks ``Hooks.confirm`` before it writes. It returns a ``Result``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reconciler import github
from reconciler.secrets import mask_text
from reconciler.targets import load_for

if TYPE_CHECKING:
    from reconciler.kinds import Registry
    from reconciler.manifest import Desired, Project, Target
    from reconciler.plan import Change
    from reconciler.targets import Run

SKIPPED_SHOWN = 10  # names of skipped files listed before "…"


class Result(enum.Enum):
    """How a command ended, when it did not raise; the command line maps it to exit codes."""

    OK = "ok"  # done, nothing pending (exit 0)
    CHANGES = "changes"  # changes pending (exit 2 with --detailed-exitcode, else 0)
    FAILED = "failed"  # a target failed, or a check found a problem (exit 1)


@dataclass(frozen=True)
class Question:
    """What apply asks before it writes. ``word`` is the only answer that confirms (typed
    in full); None asks a yes/no question."""

    text: str
    word: str | None = None


Progress = Callable[["str | None", int, int, "Change"], None]


def _no_progress(target: str | None, number: int, total: int, change: Change) -> None:
    return None


@dataclass(frozen=True)
class Hooks:
    """The callbacks through which a sequence shows what it does.

    ``show`` gets text for stdout, newlines included; ``notice`` one line for stderr;
    ``progress`` the target (None when the command works on one), the number of the change
    among ``total`` and the change, as apply starts it; ``confirm`` a question, and says
    whether the answer confirms. ``confirm`` is None when nobody can be asked (no
    terminal): apply then refuses unless told ``yes``."""

    show: Callable[[str], None]
    notice: Callable[[str], None]
    progress: Progress = _no_progress
    confirm: Callable[[Question], bool] | None = None


@dataclass
class Context:
    """One command's environment: ``env`` (credentials, ``${env.*}`` values, GitHub
    Actions), the project file (``./acr.yaml`` when it exists, for None), ``sandbox`` and
    ``timeout`` for the sessions, ``colour`` for text plans. The project and the run are
    made once, when first needed."""

    hooks: Hooks
    env: Mapping[str, str]
    project_file: str | None = None
    sandbox: bool = False
    timeout: float | None = None
    colour: bool = False
    _kinds: Registry | None = field(default=None, repr=False)
    _project: Project | None = field(default=None, repr=False)
    _run: Run | None = field(default=None, repr=False)

    @property
    def kinds(self) -> Registry:
        """The kinds this command works with: the standard registry, built once."""
        if self._kinds is None:
            from reconciler.kinds import standard_kinds

            self._kinds = standard_kinds()
        return self._kinds

    @property
    def project(self) -> Project:
        """The project file, read for ``kinds`` (``Project.kinds`` carries them on)."""
        if self._project is None:
            from reconciler.manifest import load_project

            self._project = load_project(self.project_file, kinds=self.kinds)
        return self._project

    @property
    def run(self) -> Run:
        """The sessions of this command: one rate-limiter registry and, with ``sandbox``,
        one in-process sandbox for all its targets."""
        if self._run is None:
            from reconciler.targets import Run

            self._run = Run(
                self.env, sandbox=self.sandbox, on_retry=self._retrying, timeout=self.timeout
            )
        return self._run

    def load(
        self, paths: Sequence[str], target: Target | None, *, read_env: bool = True
    ) -> Desired:
        """The manifests at ``paths`` (the project's when empty) with ``target``'s vars;
        files a directory holds that are not manifests are named in a notice."""
        desired = load_for(self.project, paths, target, read_env=read_env, env=self.env)
        if desired.skipped:
            names = ", ".join(desired.skipped[:SKIPPED_SHOWN])
            more = " …" if len(desired.skipped) > SKIPPED_SHOWN else ""
            self.notice(
                f"Skipped {len(desired.skipped)} file(s) that are not manifests (*.yaml, "
                f"*.yml): {names}{more}"
            )
        return desired

    def show(self, text: str) -> None:
        self.hooks.show(text)

    def say(self, line: str) -> None:
        """One line on stdout."""
        self.hooks.show(line + "\n")

    def notice(self, line: str) -> None:
        self.hooks.notice(line)

    def in_actions(self) -> bool:
        return github.in_actions(self.env)

    def step_summary(self, markdown: Callable[[], str]) -> None:
        """In GitHub Actions, append ``markdown()`` to the run's step summary."""
        path = self.env.get("GITHUB_STEP_SUMMARY")
        if self.in_actions() and path:
            with open(path, "a", encoding="utf-8") as summary:
                summary.write(markdown() + "\n")

    def _retrying(self, message: str) -> None:
        self.notice(f"  … {mask_text(message)}")
