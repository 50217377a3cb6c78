"""${vars.NAME} and ${env.NAME}: substitution, escapes, missing values, secrets kept secret."""

from __future__ import annotations

import pytest

from reconciler.errors import ManifestError
from reconciler.kinds import standard_kinds
from reconciler.manifest import load_manifests

from .helpers import Write, load, problems

KINDS = standard_kinds()

SECRET = "s3cr3t-t0ken-value"


def hook(url: str, name: str = "Hook", extra: str = "") -> str:
    return (
        "webhooks:\n"
        f"  - name: {name}\n"
        f'    url: "{url}"\n'
        "    events: [subscribe]\n"
        "    sources: [api]\n"
        f"{extra}"
    )


def url_of(path: str, **kwargs: dict[str, str]) -> str:
    (obj,) = load(path, **kwargs).objects
    return str(obj.attrs["url"])


def test_vars_and_env_are_substituted_several_times_in_one_string(write: Write) -> None:
    write("h.yaml", hook("${vars.base}/${vars.path}?token=${env.TOKEN}&again=${env.TOKEN}"))
    desired = load(
        "h.yaml", vars={"base": "https://h.example.com", "path": "ac"}, env={"TOKEN": "abc"}
    )
    (obj,) = desired.objects
    assert obj.attrs["url"] == "https://h.example.com/ac?token=abc&again=abc"
    assert desired.secrets == {"TOKEN": "abc"}


def test_substitution_applies_to_every_string_value_but_not_to_keys(write: Write) -> None:
    write(
        "t.yaml",
        """
        tags:
          - name: ${vars.tag}
            description: "made by ${env.USER_NAME}"
            renamed_from: ["${vars.old}"]
        """,
    )
    desired = load(
        "t.yaml", vars={"tag": "VIP", "old": "Gold"}, env={"USER_NAME": "ops", "UNUSED": "x"}
    )
    (tag,) = desired.objects
    assert tag.attrs == {"name": "VIP", "type": "contact", "description": "made by ops"}
    assert tag.aliases == ("contact:gold",)
    assert desired.secrets == {"USER_NAME": "ops"}


def test_double_dollar_escapes_a_literal_reference(write: Write) -> None:
    write("h.yaml", hook("https://example.com/?a=$${vars.x}&b=$$5&c=${vars.x}"))
    assert url_of("h.yaml", vars={"x": "1"}) == "https://example.com/?a=${vars.x}&b=$$5&c=1"


def test_strings_without_references_and_other_scalars_are_untouched(write: Write) -> None:
    write("h.yaml", hook("https://example.com/$path/{x}"))
    assert url_of("h.yaml") == "https://example.com/$path/{x}"


def test_undefined_var_is_located_and_says_where_to_define_it(write: Write) -> None:
    write("h.yaml", hook("${vars.hook_base}/ac"))
    assert problems("h.yaml", vars={"hooks_base": "https://x", "other": "y"}) == [
        'h.yaml:3:10: webhooks[0].url: variable "hook_base" is not defined (did you mean '
        '"hooks_base"?); define it under vars: in acr.yaml, or in the target\'s vars',
    ]


def test_undefined_var_without_suggestion(write: Write) -> None:
    write("h.yaml", hook("${vars.base}/ac"))
    assert problems("h.yaml") == [
        'h.yaml:3:10: webhooks[0].url: variable "base" is not defined; '
        "define it under vars: in acr.yaml, or in the target's vars",
    ]


def test_unset_env_is_located_and_named(write: Write) -> None:
    write("h.yaml", hook("https://x/${env.HOOK_TOKEN}"))
    assert problems("h.yaml", env={"OTHER": "1"}) == [
        'h.yaml:3:10: webhooks[0].url: environment variable "HOOK_TOKEN" is not set; '
        "export HOOK_TOKEN before running acr",
    ]


def test_malformed_references_are_problems(write: Write) -> None:
    write(
        "t.yaml",
        """
        tags:
          - name: "${name}"
          - name: "${vars.a"
          - name: "${env.BAD-NAME}"
        """,
    )
    assert problems("t.yaml") == [
        't.yaml:2:11: tags[0].name: "${name}" is not a reference: write ${vars.NAME} or '
        '${env.NAME}, or $${ for a literal "${"',
        't.yaml:3:11: tags[1].name: "${" is not closed: write ${vars.NAME} or ${env.NAME}, '
        'or $${ for a literal "${"',
        't.yaml:4:11: tags[2].name: "BAD-NAME" is not an environment variable name',
    ]


def test_a_failed_substitution_does_not_also_fail_validation(write: Write) -> None:
    # The URL keeps its "${vars.base}" text, which does not match ^https?://: that follow-on
    # error would only repeat the first one.
    write("h.yaml", hook("${vars.base}/ac"))
    assert len(problems("h.yaml")) == 1


def test_an_empty_env_value_is_an_error_naming_the_variable(write: Write) -> None:
    write("h.yaml", hook("https://x/?t=${env.EMPTY}"))
    assert problems("h.yaml", env={"EMPTY": ""}) == [
        'h.yaml:3:10: webhooks[0].url: environment variable "EMPTY" is empty; set it to the '
        "value to use (acr would send nothing in its place)"
    ]


def test_the_shown_form_keeps_each_reference_where_it_was_substituted(write: Write) -> None:
    write("h.yaml", hook("https://${vars.host}/webhook?e=${env.E}&f=$${env.E}"))
    (obj,) = load("h.yaml", vars={"host": "h.example"}, env={"E": "e"}).objects
    assert obj.attrs["url"] == "https://h.example/webhook?e=e&f=${env.E}"
    assert obj.shown is not None
    assert obj.shown["url"] == "https://h.example/webhook?e=${env.E}&f=$${env.E}"
    assert obj.shown["name"] == "Hook"  # the one-letter secret "e" is nowhere else


def test_objects_without_secrets_have_no_shown_form(write: Write) -> None:
    write("h.yaml", hook("https://x/"))
    (obj,) = load("h.yaml").objects
    assert obj.shown is None


def test_offline_loading_reads_no_environment_value(write: Write) -> None:
    write("h.yaml", hook("${env.URL}", extra="    list: news\n"))
    offline = load_manifests(
        ["h.yaml"], env={"URL": "ftp://not-checked"}, read_env=False, kinds=KINDS
    )
    (warning,) = offline.warnings  # the url's value is unknown offline: not checked
    assert 'list "news" is not in the manifests' in warning.message
    write("h.yaml", hook("https://x/?t=${env.UNSET}&u=${env.ALSO_UNSET}"))
    desired = load_manifests(["h.yaml"], env={}, read_env=False, kinds=KINDS)
    assert desired.env_names == ("ALSO_UNSET", "UNSET") and desired.secrets == {}


def test_offline_loading_still_checks_reference_syntax(write: Write) -> None:
    write("h.yaml", hook("https://x/?t=${env.BAD-NAME}"))
    with pytest.raises(ManifestError, match='"BAD-NAME" is not an environment variable name'):
        load_manifests(["h.yaml"], env={}, read_env=False, kinds=KINDS)


def _message(path: str, env: dict[str, str]) -> str:
    with pytest.raises(ManifestError) as caught:
        load(path, env=env)
    return str(caught.value)


def test_secret_values_never_appear_in_validation_messages(write: Write) -> None:
    write("h.yaml", hook("${env.TOKEN}") + "tags:\n  - {name: t, type: '${env.TOKEN}'}\n")
    message = _message("h.yaml", {"TOKEN": SECRET})
    assert SECRET not in message
    assert (
        'h.yaml:3:10: webhooks[0].url: webhook "Hook": the value does not match the pattern '
        "^https?://"
    ) in message
    assert 'tags[0].type: tag "t": the value is not one of: contact, template' in message


MISPLACED = (
    "${env.TOKEN} is used where acr cannot keep it secret: in a name, an identity or a "
    "reference (plans print them), or in a value acr rewrites. Use ${env.*} in values such as "
    "url or description, or use ${vars.*}"
)


def test_a_secret_cannot_be_a_reference(write: Write) -> None:
    write("h.yaml", hook("https://x", extra="    list: ${env.TOKEN}\n"))
    with pytest.raises(ManifestError) as caught:
        load("h.yaml", env={"TOKEN": SECRET})
    message = str(caught.value)
    assert SECRET not in message
    assert f"h.yaml:6:11: webhooks[0].list: {MISPLACED}" in message


def test_a_secret_cannot_name_an_object_and_is_not_cross_checked(write: Write) -> None:
    write("a.yaml", hook("https://x", name="'${env.TOKEN}'"))
    write("b.yaml", hook("https://y", name="'${env.TOKEN}'"))
    message = _message(".", {"TOKEN": SECRET})
    assert SECRET not in message and "defined twice" not in message
    assert f"a.yaml:2:11: webhooks[0].name: {MISPLACED}" in message
    assert f"b.yaml:2:11: webhooks[0].name: {MISPLACED}" in message


def test_a_secret_that_the_kind_rewrites_is_refused(write: Write) -> None:
    write("f.yaml", "fields:\n  - title: Plan\n    type: text\n    perstag: ${env.TOKEN}\n")
    message = _message("f.yaml", {"TOKEN": "lower"})
    assert "lower" not in message and "fields[0].perstag: ${env.TOKEN} is used where" in message


def test_a_secret_in_a_description_is_fine(write: Write) -> None:
    write("t.yaml", "tags:\n  - name: VIP\n    description: 'key ${env.TOKEN}'\n")
    (tag,) = load("t.yaml", env={"TOKEN": "V"}).objects
    assert tag.shown == {"name": "VIP", "type": "contact", "description": "key ${env.TOKEN}"}


def test_later_vars_win_and_no_layer_is_none() -> None:
    from reconciler.manifest.vars import merge_vars

    project = {"base": "https://default.example.com", "region": "eu"}
    target = {"base": "https://a.example.com"}
    assert merge_vars(project, target) == {"base": "https://a.example.com", "region": "eu"}
    assert merge_vars(project, None) == project
    assert merge_vars() == {}
    assert project == {"base": "https://default.example.com", "region": "eu"}  # not changed
