"""A faithful local emulator of the Maton gateway in front of ActiveCampaign API v3.

``create_app(store)`` is the ASGI application; ``open_store(state, seed)`` its state;
``reconciler.sandbox.server.serve`` runs it with uvicorn on loopback. See docs/sandbox.md.
"""

from reconciler.sandbox.app import create_app
from reconciler.sandbox.opening import open_store
from reconciler.sandbox.store import SandboxStore

__all__ = ["SandboxStore", "create_app", "open_store"]
