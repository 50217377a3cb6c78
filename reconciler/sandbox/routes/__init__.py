"""The API's routes, one module per resource family, mounted under ``.../api/3``."""

from __future__ import annotations

from starlette.routing import BaseRoute

from reconciler.sandbox.routes import (
    contact_data,
    crm,
    field_options,
    field_rels,
    fields,
    groups,
    lists,
    pipelines,
    stages,
    tags,
    webhooks,
)

MODULES = (tags, lists, fields, field_options, field_rels, pipelines, stages, webhooks, crm,
           groups, contact_data)  # fmt: skip


def api_routes() -> list[BaseRoute]:
    """Every ``/api/3`` route of the sandbox."""
    return [route for module in MODULES for route in module.ROUTES]
