"""Signing in, out and back: sessions, CSRF, the lockout and bearer tokens, over real HTTP."""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from threadline.cli import app

from .conftest import CASE, PASSWORD, DemoStore, csrf_of, sign_in


def test_pages_and_api_refuse_anyone_not_signed_in(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        page = client.get("/", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login")
        api = client.get("/api/v1/entities/per-anything")
        assert api.status_code == 401
        assert client.get("/api/v1/openapi.json").status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(server: str) -> None:
    answers = []
    for username in ("ana", "nobody-at-all"):
        with httpx.Client(base_url=server) as client:
            client.get("/login")
            token = client.cookies.get("threadline_login", path="/login") or ""
            answer = client.post(
                "/login",
                data={"username": username, "password": "wrong", "csrf_token": token},
            )
            answers.append((answer.status_code, "unknown user or wrong password" in answer.text))
    assert answers == [(401, True), (401, True)]


def test_the_sign_in_form_needs_its_own_token(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        answer = client.post("/login", data={"username": "ana", "password": PASSWORD})
        assert answer.status_code == 403
        assert "threadline_session" not in client.cookies


def test_repeated_failures_lock_the_name_even_for_the_right_password(server: str) -> None:
    from threadline.security.sessions import LOCKOUT_FAILURES

    def attempt(password: str) -> int:
        with httpx.Client(base_url=server) as client:
            client.get("/login")
            token = client.cookies.get("threadline_login", path="/login") or ""
            return client.post(
                "/login", data={"username": "lockme", "password": password, "csrf_token": token}
            ).status_code

    codes = [attempt("wrong") for _ in range(LOCKOUT_FAILURES)]
    assert codes == [401] * LOCKOUT_FAILURES
    assert attempt(PASSWORD) == 401  # locked, whatever is typed


def test_changes_need_the_sessions_csrf_token(server: str) -> None:
    with sign_in(server, "ana") as client:
        refused = client.post("/logout")
        assert refused.status_code == 403
        assert client.get("/").status_code == 200  # still signed in
        done = client.post("/logout", headers={"X-CSRF-Token": csrf_of(client)})
        assert done.status_code == 303
        assert client.get("/").status_code == 303  # signed out: sent to sign in


def test_pages_are_not_cached_or_framed(server: str) -> None:
    with sign_in(server, "ana") as client:
        headers = client.get("/").headers
        cookie = next(c for c in client.cookies.jar if c.name == "threadline_session")
    assert headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_a_bearer_token_acts_as_its_user_until_revoked(server: str, demo_store: DemoStore) -> None:
    runner = CliRunner()
    env = {"THREADLINE_PASSWORD": PASSWORD}
    made = runner.invoke(
        app, ["tokens", "add", "nightly", "--db", demo_store.url, "--user", "ana"], env=env
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    entity = demo_store.entity_ids("Person", 1)[0]
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {secret}"}) as client:
        assert client.get(f"/api/v1/entities/{entity}").status_code == 200
        listed = runner.invoke(
            app, ["tokens", "list", "--db", demo_store.url, "--user", "ana"], env=env
        )
        assert "nightly" in listed.output and secret not in listed.output
        revoked = runner.invoke(
            app, ["tokens", "revoke", "nightly", "--db", demo_store.url, "--user", "ana"], env=env
        )
        assert revoked.exit_code == 0, revoked.output
        assert client.get(f"/api/v1/entities/{entity}").status_code == 401


def test_a_chart_saved_to_a_case_is_not_opened_by_a_non_member(
    server: str, demo_store: DemoStore
) -> None:
    entity = demo_store.entity_ids("Person", 1)[0]
    with sign_in(server, "ana") as client:
        saved = client.post(
            "/api/v1/charts",
            json={"case": CASE, "name": "for the team", "nodes": [{"id": entity}]},
            headers={"X-CSRF-Token": csrf_of(client)},
        )
        assert saved.status_code == 201, saved.text
        chart = saved.json()["id"]
        assert client.get(f"/api/v1/charts/{chart}").status_code == 200
    with sign_in(server, "pat") as client:
        assert client.get(f"/api/v1/charts/{chart}").status_code == 403
        assert client.get("/api/v1/charts/999999").status_code == 403  # the same answer


def test_the_audit_log_shows_a_user_their_own_events_only(server: str) -> None:
    with sign_in(server, "ana") as client:
        mine = client.get("/api/v1/audit/events", params={"since": "2020-01-01"})
        assert mine.status_code == 200
        assert {e["username"] for e in mine.json()} <= {"ana"}
        assert any(e["operation"] == "web.sign-in" for e in mine.json())
        assert client.get("/api/v1/audit/events", params={"user": "pat"}).status_code == 403
