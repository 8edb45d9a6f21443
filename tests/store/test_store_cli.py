"""``fundgraph push`` / ``fundgraph pull`` through click, including every connection failure."""

from __future__ import annotations

import filecmp

import pytest
from click.testing import CliRunner

from fundgraph.cli import group
from fundgraph.store.server import free_port

pytestmark = pytest.mark.neo4j


def invoke(*args, env=None):
    return CliRunner().invoke(group, list(args), env=env, catch_exceptions=False)


def assert_one_line_error(result, *fragments, secret=None):
    assert result.exit_code == 1, result.output
    text = result.output.strip()
    assert text.startswith("Error:")
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, text
    if secret:
        assert secret not in text


def test_push_then_pull(bolt_env, case_name, case_dir, tmp_path):
    result = invoke("push", str(case_dir), "--case", case_name, "--batch-size", "8", "--quiet")
    assert result.exit_code == 0, result.output
    assert case_name in result.output and "31 transfers" in result.output
    assert bolt_env["password"] not in result.output

    again = invoke("push", str(case_dir), "--case", case_name, "--replace")
    assert again.exit_code == 0, again.output

    out = tmp_path / "pulled"
    result = invoke("pull", "--case", case_name, "-o", str(out))
    assert result.exit_code == 0, result.output
    for name in ("transfers.csv", "accounts.csv", "participants.csv", "case.json"):
        assert filecmp.cmp(case_dir / name, out / name, shallow=False), name


def test_options_override_the_environment(bolt, case_name, case_dir, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-this-one")
    args = [
        "push",
        str(case_dir),
        "--case",
        case_name,
        "--uri",
        bolt["uri"],
        "--user",
        bolt["user"],
        "--password",
        bolt["password"],
    ]
    if bolt["database"]:
        args += ["--database", bolt["database"]]
    result = invoke(*args)
    assert result.exit_code == 0, result.output


def test_unreachable_server(bolt_env, case_dir, monkeypatch):
    port = free_port()
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{port}")
    result = invoke("push", str(case_dir), "--case", "x")
    assert_one_line_error(
        result, "cannot reach Neo4j", f"bolt://127.0.0.1:{port}", secret=bolt_env["password"]
    )


def test_credentials_in_the_uri_are_masked(bolt_env, case_dir, monkeypatch):
    port = free_port()
    monkeypatch.setenv("NEO4J_URI", f"bolt://someone:pw-in-uri@127.0.0.1:{port}")
    result = invoke("push", str(case_dir), "--case", "x")
    # the driver takes no credentials in a URI: they are taken apart and never shown
    assert_one_line_error(result, f"bolt://127.0.0.1:{port}", secret="pw-in-uri")
    result = invoke("--debug", "push", str(case_dir), "--case", "x")
    assert result.exit_code == 1 and "Traceback" in result.output
    assert "pw-in-uri" not in result.output and bolt_env["password"] not in result.output


def test_credentials_in_the_uri_are_used(bolt_env, case_name, case_dir, monkeypatch):
    host = bolt_env["uri"].split("://", 1)[1]
    monkeypatch.setenv("NEO4J_URI", f"bolt://{bolt_env['user']}:{bolt_env['password']}@{host}")
    monkeypatch.delenv("NEO4J_PASSWORD")
    result = invoke("push", str(case_dir), "--case", case_name, "--quiet")
    assert result.exit_code == 0, result.output
    assert bolt_env["password"] not in result.output


def test_wrong_password(bolt_env, case_dir, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong-Secret-123")
    result = invoke("push", str(case_dir), "--case", "x")
    assert_one_line_error(result, "wrong user name or password", secret="wrong-Secret-123")


def test_missing_database(bolt_env, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_DATABASE", "nosuchdatabase")
    result = invoke("pull", "--case", "x", "-o", str(tmp_path / "o"))
    assert_one_line_error(result, "no database 'nosuchdatabase'", secret=bolt_env["password"])


def test_missing_password(bolt_env, case_dir, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD")
    result = invoke("push", str(case_dir), "--case", "x")
    assert_one_line_error(result, "NEO4J_PASSWORD")


def test_unknown_case(bolt_env, case_name, tmp_path):
    result = invoke("pull", "--case", case_name, "-o", str(tmp_path / "o"))
    assert_one_line_error(result, f"no case '{case_name}'")


def test_not_a_case_folder(bolt_env, tmp_path):
    result = invoke("push", str(tmp_path), "--case", "x")
    assert_one_line_error(result, "case.json")
