"""What a plan learns only from the account: checks of the manifests that the account is the
authority for (its webhook events [R10]), and what a 403 on a collection a kind needs means
(Deals access [R2])."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.errors import AuthError, PlanError
from reconciler.kinds import Obj, Registry
from reconciler.kinds.base import Reads
from reconciler.state import gather


async def check_online(api: Reads, objects: Sequence[Obj], kinds: Registry) -> None:
    """Each kind with desired objects checks them against the account (one call per kind that
    needs one, per run); every problem found is reported together."""
    present = {o.kind for o in objects}
    found = await gather(
        *(
            kind.check_online(api, [o for o in objects if o.kind == kind.name])
            for kind in kinds
            if kind.name in present
        )
    )
    problems = [problem for group in found for problem in group]
    if problems:
        raise PlanError(
            "the manifests ask for what the account does not offer; nothing was written:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def access_error(error: AuthError, account: str, kinds: Registry) -> AuthError:
    """A 403 on a path that needs a permission some kind declares (``Kind.access``) names the
    missing access and the account; any other auth error is returned as it is."""
    if error.status != 403:
        return error
    for kind in kinds:
        if kind.access and any(error.path.startswith(p) for p in kind.access_paths):
            return AuthError(
                f"{kind.access} is missing on {account or 'the account'}: {error.method} "
                f"{error.path} was refused. Managing {kind.section} needs it: the account's "
                f"plan must include it and the user must belong to a user group with that "
                f"permission. Nothing was written. Without it, leave {kind.section} out of "
                "the manifests and policy.prune.",
                status=403,
                method=error.method,
                path=error.path,
                body=error.body,
            )
    return error
