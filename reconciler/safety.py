"""The safety gate: every reason to refuse a plan, decided here, on the plan (pure).

``judge`` attaches the verdict to the plan, so ``acr plan`` shows exactly what ``acr apply``
enforces with ``enforce``; a refused plan is still printed in full. The rules:

- **ambiguous** — a managed identity matches several live objects (R3; ``identity.py``);
- **protected** — a change would delete or change an object ``policy.protect`` names;
- **deals-lost** — a delete would take records with it (a stage or pipeline with deals,
  and nowhere to move them): kinds with ``loss_advice`` say what to do instead;
- **count-unknown** — such a delete, but the account could not count its records (R14);
- **delete-limit** — more deletes than allowed: ``policy.max_deletes``, or by default
  ``default_delete_limit`` (after octoDNS's 30 % threshold, with a floor and a cap so that
  small accounts are protected too). ``apply --allow-deletes N`` lifts it for N deletes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reconciler.errors import SafetyError
from reconciler.identity import Ambiguity
from reconciler.kinds import Kind
from reconciler.plan import Change, Plan, Refusal
from reconciler.protect import Protection, violations

DEFAULT_SHARE = 0.30  # octoDNS's MAX_SAFE_DELETE_PCENT
DEFAULT_FLOOR = 1  # octoDNS skips accounts under 10 records; here one delete is the floor
DEFAULT_CAP = 25  # and a large account does not get hundreds of deletes by default


@dataclass(frozen=True)
class Rules:
    """What the gate checks the plan against: the policy and the command line."""

    protection: Protection = Protection()
    max_deletes: int | None = None  # policy.max_deletes
    allow_deletes: int | None = None  # apply --allow-deletes N


def default_delete_limit(account_size: int) -> int:
    """Deletes allowed without ``max_deletes``: 30 % of the live objects read, at least
    ``DEFAULT_FLOOR`` and at most ``DEFAULT_CAP``."""
    return min(DEFAULT_CAP, max(DEFAULT_FLOOR, math.floor(DEFAULT_SHARE * account_size)))


def judge(plan: Plan, rules: Rules, ambiguities: Sequence[Ambiguity] = ()) -> Plan:
    """The plan with the gate's verdict attached."""
    return replace(plan, refusals=tuple(assess(plan, rules, ambiguities)))


def assess(plan: Plan, rules: Rules, ambiguities: Sequence[Ambiguity] = ()) -> list[Refusal]:
    """Every reason to refuse ``plan``; its kinds (``plan.kinds``) say what a delete loses."""
    refusals = [Refusal("ambiguous", a.message, (f'{a.kind} "{a.label}"',)) for a in ambiguities]
    for change, pattern in violations(plan.changes, rules.protection, plan.kinds):
        refusals.append(_protected(change, pattern))
    refusals += [r for c in plan.changes if (r := _loss(c, plan.kinds[c.kind])) is not None]
    limit = _delete_limit(plan, rules)
    if limit is not None:
        refusals.append(limit)
    return refusals


def enforce(plan: Plan) -> None:
    """Raise ``SafetyError`` when the gate refused the plan; apply calls this before any write."""
    if plan.refusals:
        raise SafetyError(refusal_text(plan), plan.refusals)


def refusal_text(plan: Plan) -> str:
    count = len(plan.refusals)
    lines = [f"apply refuses this plan ({count} reason{'s' if count != 1 else ''}); "
             "nothing was changed:"]  # fmt: skip
    lines += [f"  - {r.message}" for r in plan.refusals]
    return "\n".join(lines)


_VERB = {"create": "add to", "update": "change", "delete": "delete"}


def _protected(change: Change, pattern: str) -> Refusal:
    where = f" ({change.source})" if change.source else ""
    message = (
        f'{change.kind} "{change.label}" is protected by policy.protect "{pattern}", but the '
        f"plan would {_VERB[change.action]} it{where}. Change the manifests to leave it as it "
        f"is, or take the pattern out of policy.protect."
    )
    return Refusal("protected", message, (f'{change.kind} "{change.label}"',))


def _loss(change: Change, kind: Kind) -> Refusal | None:
    advice = kind.loss_advice
    if change.action != "delete" or advice is None or change.move_to is not None:
        return None
    name = f'{change.kind} "{change.label}"'
    what = kind.dependents or "records"
    losses = change.losses
    if losses is None:
        message = (
            f"{name}: the account cannot say how many {what} it holds (some are hidden from "
            f"this user, or the counts disagree), so the delete is refused rather than "
            f"guessed. Check it in ActiveCampaign with a user that sees all of them, or "
            f"{advice}."
        )
        return Refusal("count-unknown", message, (name,))
    if losses:
        message = f"{name}: {losses} {what} would be deleted with it; {advice}."
        return Refusal("deals-lost", message, (name,))
    return None


def _delete_limit(plan: Plan, rules: Rules) -> Refusal | None:
    deletes = sum(1 for c in plan.changes if c.action == "delete" and c.id is not None)
    if rules.allow_deletes is not None:
        limit, source = rules.allow_deletes, f"--allow-deletes {rules.allow_deletes}"
    elif rules.max_deletes is not None:
        limit, source = rules.max_deletes, f"policy.max_deletes ({rules.max_deletes})"
    else:
        limit = default_delete_limit(plan.account_size)
        source = (
            f"the default limit ({limit}: 30 % of the {plan.account_size} live objects, "
            f"at least {DEFAULT_FLOOR}, at most {DEFAULT_CAP}; set policy.max_deletes to change it)"
        )
    if deletes <= limit:
        return None
    message = (
        f"the plan deletes {deletes} objects, more than {source} allows. Review the deletes; "
        f"to apply them, run apply --allow-deletes {deletes}."
    )
    return Refusal("delete-limit", message, needs=f"--allow-deletes {deletes}")
