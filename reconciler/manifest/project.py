"""The project file ``acr.yaml``: default manifest paths, variables, policy and targets."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, model_validator
from ruamel.yaml.comments import CommentedMap

from reconciler.errors import ConfigError, Location, ManifestError, Problem
from reconciler.kinds import Registry
from reconciler.manifest.files import PROJECT_FILE, display_path
from reconciler.manifest.reading import read_document
from reconciler.manifest.validate import validate
from reconciler.manifest.vars import merge_vars
from reconciler.manifest.yaml import describe_node, locate, node_location, to_plain

VarName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
DEFAULT_TOKEN_ENV = "ACTIVECAMPAIGN_API_TOKEN"


_PRUNE = "Sections whose live objects that no manifest names are deleted."
_PROTECT = '"section:glob" patterns of objects never deleted or changed: "tags:VIP*".'


class PolicyModel(BaseModel):
    """What acr may delete, and what it must never touch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # ``project_model`` narrows both to the sections of the registry it is given.
    prune: list[str] = Field(default_factory=list, description=_PRUNE)
    protect: list[str] = Field(default_factory=list, description=_PROTECT)
    max_deletes: int | None = Field(
        None, ge=0, description="More deletes than this refuse to apply without --allow-deletes N."
    )


class TargetModel(BaseModel):
    """One account acr plans and applies to."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    connection: str | None = Field(
        None, min_length=1, description="Maton connection id, sent as the Maton-Connection header."
    )
    url: str | None = Field(
        None,
        pattern=r"^https?://",
        description="Direct mode: the account's API URL (https://<account>.api-us1.com).",
    )
    token_env: EnvName | None = Field(
        None,
        description=f"Direct mode: the environment variable holding the account's API token "
        f"(default {DEFAULT_TOKEN_ENV}).",
    )
    vars: dict[VarName, str] = Field(
        default_factory=dict,
        description="Values for ${vars.NAME}; they override the top-level vars.",
    )
    policy: PolicyModel | None = Field(
        None, description="Overrides the keys of the top-level policy that it sets."
    )

    @model_validator(mode="after")
    def _one_mode(self) -> TargetModel:
        if self.connection is not None and self.url is not None:
            raise ValueError(
                "a target has connection (through Maton) or url (direct), not both; remove one"
            )
        if self.token_env is not None and self.url is None:
            raise ValueError(
                "token_env is for a target with url (direct mode); add url, or remove token_env"
            )
        return self


class ProjectModel(BaseModel):
    """acr.yaml: the project's manifests, variables, policy and targets."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, title="acr project file"
    )

    manifests: list[str] = Field(
        default_factory=lambda: ["manifests"],
        min_length=1,
        description="Manifest files or directories, relative to acr.yaml.",
    )
    vars: dict[VarName, str] = Field(
        default_factory=dict, description="Default values for ${vars.NAME}."
    )
    policy: PolicyModel = Field(default_factory=PolicyModel, description="The default policy.")
    default_target: str | None = Field(
        None,
        min_length=1,
        description="The target used when a command names none; without it, with targets "
        "defined, --target is required.",
    )
    targets: dict[str, TargetModel] = Field(
        default_factory=dict, description="Accounts by name: connection or url, vars, policy."
    )


def project_model(kinds: Registry) -> type[ProjectModel]:
    """``ProjectModel`` whose policies name the sections of ``kinds`` only."""
    names = tuple(kinds.sections())
    section: Any = Literal[names] if names else Literal[""]
    pattern = Annotated[str, StringConstraints(pattern=rf"^({'|'.join(names)}):.+$")]
    policy: Any = create_model(
        "PolicyModel",
        __base__=PolicyModel,
        __doc__=PolicyModel.__doc__,
        prune=(list[section], Field(default_factory=list, description=_PRUNE)),
        protect=(list[pattern], Field(default_factory=list, description=_PROTECT)),
    )
    fields = TargetModel.model_fields
    target: Any = create_model(
        "TargetModel",
        __base__=TargetModel,
        __doc__=TargetModel.__doc__,
        policy=(policy | None, Field(None, description=fields["policy"].description)),
    )
    fields = ProjectModel.model_fields
    project: type[ProjectModel] = create_model(
        "ProjectModel",
        __base__=ProjectModel,
        __doc__=ProjectModel.__doc__,
        policy=(policy, Field(default_factory=policy, description=fields["policy"].description)),
        targets=(
            dict[str, target],
            Field(default_factory=dict, description=fields["targets"].description),
        ),
    )
    return project


@dataclass(frozen=True)
class Policy:
    prune: frozenset[str] = frozenset()  # section names
    protect: tuple[str, ...] = ()  # "section:glob"
    max_deletes: int | None = None


@dataclass(frozen=True)
class Target:
    name: str
    connection: str | None
    url: str | None
    vars: Mapping[str, str]  # the project's vars with the target's own laid over them
    policy: Policy | None  # the effective policy when the target sets one, else None
    token_env: str = DEFAULT_TOKEN_ENV  # direct mode: where the API token is


@dataclass(frozen=True)
class Project:
    path: Path | None  # the acr.yaml read, or None for the defaults
    manifests: tuple[str, ...]  # display paths: relative to the current directory when under it
    kinds: Registry = field(compare=False, repr=False)  # the kinds its sections belong to
    policy: Policy = field(default_factory=Policy)
    vars: Mapping[str, str] = field(default_factory=dict)
    targets: Mapping[str, Target] = field(default_factory=dict)
    default_target: str | None = None


def load_project(path: str | Path | None = None, *, kinds: Registry) -> Project:
    """Read ``path``, or ``./acr.yaml`` when it exists, else return the defaults; policies
    name sections of ``kinds``.

    A file named explicitly that does not exist is a ``ConfigError``; an invalid file is a
    ``ManifestError`` with every problem, located."""
    if path is None:
        if not Path(PROJECT_FILE).is_file():
            return Project(path=None, manifests=("manifests",), kinds=kinds)
        path = PROJECT_FILE
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"project file {path} does not exist; check the path")
    file = display_path(path)
    doc = _read(path, file)
    if doc is None:
        doc = CommentedMap()
    model, problems = validate(project_model(kinds), to_plain(doc), root=doc, file=file)
    if problems or not isinstance(model, ProjectModel):
        raise ManifestError(problems)
    if model.default_target is not None and model.default_target not in model.targets:
        known = ", ".join(f'"{name}"' for name in model.targets) or "none are defined"
        message = (
            f'default_target "{model.default_target}" is not one of the targets ({known}); '
            "name one of them, or define it under targets:"
        )
        where = locate(doc, ("default_target",), file)
        raise ManifestError([Problem(message, where, "default_target")])
    return _project(model, path, kinds)


def _read(path: Path, file: str) -> Any:
    read = read_document(path, file)
    if read.problems:
        raise ManifestError(read.problems)
    doc = read.doc
    if doc is not None and not isinstance(doc, CommentedMap):
        where = node_location(doc, file) or Location(file, 1, 1)
        keys = ", ".join(ProjectModel.model_fields)
        message = f"the top level must be a mapping ({keys}), got {describe_node(doc)}"
        raise ManifestError([Problem(message, where)])
    return doc


def _project(model: ProjectModel, path: Path, kinds: Registry) -> Project:
    base = path.parent
    policy = _policy(model.policy)
    targets = {
        name: Target(
            name=name,
            connection=target.connection,
            url=target.url,
            vars=types.MappingProxyType(merge_vars(model.vars, target.vars)),
            policy=_policy(target.policy, over=model.policy) if target.policy else None,
            token_env=target.token_env or DEFAULT_TOKEN_ENV,
        )
        for name, target in model.targets.items()
    }
    return Project(
        path=path,
        manifests=tuple(display_path(base / entry) for entry in model.manifests),
        kinds=kinds,
        policy=policy,
        vars=types.MappingProxyType(dict(model.vars)),
        targets=types.MappingProxyType(targets),
        default_target=model.default_target,
    )


def _policy(model: PolicyModel, over: PolicyModel | None = None) -> Policy:
    """A target's policy replaces, key by key, the keys of the top-level one that it sets."""
    values = {name: getattr(model, name) for name in PolicyModel.model_fields}
    if over is not None:
        values = {
            name: value if name in model.model_fields_set else getattr(over, name)
            for name, value in values.items()
        }
    return Policy(
        prune=frozenset(values["prune"]),
        protect=tuple(values["protect"]),
        max_deletes=values["max_deletes"],
    )
