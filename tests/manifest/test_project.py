"""acr.yaml: defaults, the design example, targets, and invalid files."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import ConfigError, ManifestError
from reconciler.kinds import standard_kinds
from reconciler.manifest import Policy, Project, Target, load_project

from .helpers import DATA, Write

KINDS = standard_kinds()

# The project file of design.md section 3, as written there.
EXAMPLE = (DATA / "design-acr.yaml").read_text(encoding="utf-8")


def messages(path: str | Path | None) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_project(path, kinds=KINDS)
    return [str(problem) for problem in caught.value.problems]


def test_without_a_project_file_the_defaults_apply(workdir: Path) -> None:
    assert load_project(kinds=KINDS) == Project(
        path=None, manifests=("manifests",), kinds=KINDS, policy=Policy(), vars={}, targets={}
    )


def test_acr_yaml_in_the_current_directory_is_read(write: Write) -> None:
    write("acr.yaml", "manifests: [config, extra/hooks.yaml]\n")
    project = load_project(kinds=KINDS)
    assert project.path == Path("acr.yaml")
    assert project.manifests == ("config", "extra/hooks.yaml")


def test_a_missing_named_file_is_a_config_error(workdir: Path) -> None:
    with pytest.raises(ConfigError, match="project file other.yaml does not exist"):
        load_project("other.yaml", kinds=KINDS)


def test_design_example(write: Write) -> None:
    write("acr.yaml", EXAMPLE)
    project = load_project("acr.yaml", kinds=KINDS)
    assert project.manifests == ("manifests",)
    assert project.policy == Policy(
        prune=frozenset({"tags", "webhooks"}),
        protect=("tags:VIP*", "lists:newsletter"),
        max_deletes=10,
    )
    assert project.vars == {}
    assert list(project.targets) == ["production", "staging", "direct-account"]
    assert project.targets["production"] == Target(
        name="production",
        connection="9e8ba2aa-25ec-4ba0-8815-3068be304dca",
        url=None,
        vars={"hooks_base": "https://hooks.example.com"},
        policy=None,
    )
    # A target's policy replaces the keys it sets and keeps the others.
    assert project.targets["staging"].policy == Policy(
        prune=frozenset({"tags", "lists", "fields", "pipelines", "webhooks"}),
        protect=("tags:VIP*", "lists:newsletter"),
        max_deletes=10,
    )
    direct = project.targets["direct-account"]
    assert (direct.connection, direct.url) == (None, "https://myaccount.api-us1.com")


def test_target_vars_override_the_top_level_ones(write: Write) -> None:
    write(
        "acr.yaml",
        """
        vars: {base: https://default.example.com, region: eu, port: 8443}
        targets:
          a: {vars: {base: https://a.example.com}}
          b: {}
        """,
    )
    project = load_project(kinds=KINDS)
    assert project.vars == {"base": "https://default.example.com", "region": "eu", "port": "8443"}
    assert project.targets["a"].vars == {
        "base": "https://a.example.com",
        "region": "eu",
        "port": "8443",
    }
    assert project.targets["b"].vars == project.vars
    assert project.targets["b"].connection is None and project.targets["b"].url is None


def test_manifest_paths_are_relative_to_the_project_file(
    write: Write, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("repo/acr.yaml", "manifests: [manifests, ../shared/tags.yaml]\n")
    assert load_project("repo/acr.yaml", kinds=KINDS).manifests == (
        "repo/manifests",
        "shared/tags.yaml",
    )
    (workdir / "elsewhere").mkdir()
    monkeypatch.chdir(workdir / "elsewhere")
    assert load_project(workdir / "repo" / "acr.yaml", kinds=KINDS).manifests == (
        (workdir / "repo" / "manifests").as_posix(),
        (workdir / "shared" / "tags.yaml").as_posix(),
    )


def test_an_empty_project_file_gives_the_defaults(write: Write) -> None:
    write("acr.yaml", "# nothing yet\n")
    project = load_project(kinds=KINDS)
    assert project.path == Path("acr.yaml")
    assert project.manifests == ("manifests",)
    assert project.targets == {}


def test_invalid_project_file_reports_every_problem_located(write: Write) -> None:
    write(
        "acr.yaml",
        """
        manifest: [m]
        policy:
          prune: [tag, webhooks]
          protect: ["VIP*"]
          max_deletes: -1
        vars: {"bad name": x}
        targets:
          a: {connection: x, url: "https://x"}
          b: {url: ftp://x, polcy: {}}
          c: [1]
        """,
    )
    protect = "^(tags|lists|fields|pipelines|webhooks|deal_fields):.+$"
    assert messages("acr.yaml") == [
        'acr.yaml:1:1: manifest: unknown key "manifest"; did you mean "manifests"? '
        "Allowed keys: manifests, vars, policy, default_target, targets",
        'acr.yaml:3:11: policy.prune[0]: "tag" is not one of: tags, lists, fields, pipelines, '
        'webhooks, deal_fields; did you mean "tags"?',
        f'acr.yaml:4:13: policy.protect[0]: "VIP*" does not match the pattern {protect} '
        '("section:glob" patterns of objects never deleted or changed: "tags:VIP*")',
        "acr.yaml:5:16: policy.max_deletes: must be at least 0, got -1",
        'acr.yaml:6:8: vars.bad name: "bad name" does not match the pattern '
        "^[A-Za-z_][A-Za-z0-9_-]*$",
        "acr.yaml:8:6: targets.a: a target has connection (through Maton) or url (direct), "
        "not both; remove one",
        'acr.yaml:9:12: targets.b.url: "ftp://x" does not match the pattern ^https?:// '
        "(direct mode: the account's API URL (https://<account>.api-us1.com))",
        'acr.yaml:9:21: targets.b.polcy: unknown key "polcy"; did you mean "policy"? '
        "Allowed keys: connection, url, token_env, vars, policy",
        "acr.yaml:10:6: targets.c: expected a mapping, got a list",
    ]


def test_project_file_that_is_not_a_mapping(write: Write) -> None:
    write("acr.yaml", "- manifests\n")
    assert messages(None) == [
        "acr.yaml:1:1: the top level must be a mapping "
        "(manifests, vars, policy, default_target, targets), got a list",
    ]


def test_malformed_project_file(write: Write) -> None:
    write("acr.yaml", "targets:\n  a: {connection: x\n")
    (line,) = messages("acr.yaml")
    assert line.startswith("acr.yaml:3:1: invalid YAML: ")


def test_duplicate_targets_are_refused(write: Write) -> None:
    write("acr.yaml", "targets:\n  a: {}\n  a: {}\n")
    assert messages("acr.yaml") == [
        'acr.yaml:3:3: duplicate key "a": it is already set at 2:3; keep one of them',
    ]
