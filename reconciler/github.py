"""What acr adds when it runs in GitHub Actions (pure: the CLI prints and writes).

Manifest problems become ``::error`` workflow commands (warnings ``::warning``), so GitHub
shows them on the lines of the pull request's diff; ``plan`` also appends its markdown to the
step summary. The runner
reads workflow commands from both stdout and stderr; acr writes them to stderr so that
``acr plan --format json > plan.json`` stays clean.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.errors import Problem


def in_actions(env: Mapping[str, str]) -> bool:
    """GitHub sets ``GITHUB_ACTIONS=true`` in every step of a workflow run."""
    return env.get("GITHUB_ACTIONS") == "true"


def annotation(problem: Problem, level: str = "error") -> str:
    """``::error file=manifests/tags.yaml,line=3,col=5::tags[0]: unknown key ...``; ``level``
    ``warning`` for what validate only warns about (a list left to the account)."""
    where = problem.location
    props = []
    if where is not None:
        props.append(f"file={_property(where.file)}")
        if where.line:
            props.append(f"line={where.line}")
        if where.col:
            props.append(f"col={where.col}")
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    head = f"::{level} " + ",".join(props) if props else f"::{level}"
    return f"{head}::{_data(message)}"


def run_url(env: Mapping[str, str]) -> str | None:
    """The page of the current workflow run, where its artifacts are listed."""
    parts = [env.get(name, "") for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY")]
    run = env.get("GITHUB_RUN_ID", "")
    if not all(parts) or not run:
        return None
    return f"{parts[0].rstrip('/')}/{parts[1]}/actions/runs/{run}"


def _data(text: str) -> str:
    # Escapes of the runner's command parser (actions/toolkit, command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
