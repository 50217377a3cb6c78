"""The seed file's format as models: accounts named as the manifests name things (lists by
``stringid``, tags by name, contacts by email), ids and timestamps optional. ``seed.load_seed``
validates a file with ``SeedFile`` and builds the store from it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.sandbox.store import DEFAULT_MATON_KEY


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedTag(_Seed):
    name: str
    type: Literal["contact", "template"] = "contact"
    description: str = ""
    id: int | None = None
    cdate: str | None = None


class SeedList(_Seed):
    stringid: str
    name: str
    sender_url: str = "https://example.com"
    sender_reminder: str = "You signed up on our website."
    send_last_broadcast: bool = False
    carboncopy: str | None = None
    subscription_notify: str | None = None
    unsubscription_notify: str | None = None
    id: int | None = None
    cdate: str | None = None


class SeedOption(_Seed):
    value: str
    label: str | None = None
    default: bool = False
    id: int | None = None


class SeedField(_Seed):
    title: str
    type: str
    perstag: str | None = None
    description: str | None = None
    default: str | None = None
    visible: bool = True
    options: list[str | SeedOption] = []
    lists: Literal["all"] | list[str] = []
    id: int | None = None
    cdate: str | None = None


class SeedDeal(_Seed):
    title: str
    value: int = 0
    currency: str | None = None
    contact: str | None = None  # an email of the seed's contacts
    id: int | None = None


class SeedStage(_Seed):
    title: str
    color: str | None = None
    width: int | None = None
    deals: list[str | SeedDeal] = []
    id: int | None = None
    cdate: str | None = None


class SeedPipeline(_Seed):
    title: str
    currency: str = "usd"
    stages: list[str | SeedStage] | None = None  # None: the three default stages
    id: int | None = None
    cdate: str | None = None


class SeedWebhook(_Seed):
    name: str
    url: str
    events: list[str]
    sources: list[str]
    list_stringid: str | None = Field(default=None, alias="list")
    id: int | None = None
    cdate: str | None = None


class SeedDealField(_Seed):
    label: str
    type: str
    options: list[str] | None = None
    default: str | list[str] | None = None
    required: bool = False
    visible: bool = True
    in_group: bool = True  # false: not in the deal field group (hidden on deal pages)
    id: int | None = None


class SeedContact(_Seed):
    email: str
    first_name: str = ""
    last_name: str = ""
    tags: list[str] = []  # contact tag names
    id: int | None = None


class SeedGroup(_Seed):
    id: int
    title: str
    admin: bool = False  # p_admin
    description: str = ""


class SeedConnection(_Seed):
    connection_id: str | None = None
    status: Literal["ACTIVE", "PENDING", "FAILED"] = "ACTIVE"
    api_token: str | None = None
    account: str | None = None  # the account name in links: https://<account>.api-us1.com
    tags: list[str | SeedTag] = []
    lists: list[SeedList] = []
    fields: list[SeedField] = []
    pipelines: list[SeedPipeline] = []
    webhooks: list[SeedWebhook] = []
    contacts: list[SeedContact] = []
    deal_fields: list[SeedDealField] = []
    # None: the recorded groups (admin id 3, and 4); the user is in ``user_group`` (default:
    # the first admin group).
    groups: list[SeedGroup] | None = None
    user_group: int | None = None
    deals_access: bool = True
    stage_colors: list[str] | None = Field(default=None, min_length=1)
    webhook_events: list[str] | None = None


class SeedFile(_Seed):
    maton_key: str = DEFAULT_MATON_KEY
    connections: list[SeedConnection] = Field(min_length=1)
