"""schemathesis against the API's own OpenAPI schema: no input makes the server fail (500)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from threadline.security.actors import load_actor
from threadline.security.sessions import add_token
from threadline.store import Store

from .conftest import DemoStore


@pytest.fixture(scope="module")
def api_token(demo_store: DemoStore) -> str:
    with Store(demo_store.url) as store, store.connect() as conn:
        ana = load_actor(conn, "ana")
        assert ana is not None
        return add_token(conn, ana, "schemathesis")


@pytest.fixture(scope="module")
def api_schema(server: str) -> Any:
    return schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")


def test_no_input_makes_the_api_fail(api_schema: Any, api_token: str) -> None:
    """Each operation, with inputs drawn from its schema (valid and not), as a signed-in
    analyst. (Driven through schemathesis's operations rather than its pytest plugin, which
    does not run under pytest 9.)"""
    headers = {"Authorization": f"Bearer {api_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        def call(case: Any) -> None:
            answer = case.call(headers=headers, timeout=120)
            assert answer.status_code < 500, (case.method, case.path, answer.text[:300])
            assert answer.status_code != 401  # the token is honoured everywhere

        call()


def test_without_a_token_every_endpoint_says_sign_in(api_schema: Any, server: str) -> None:
    import httpx

    with httpx.Client(base_url=server) as client:
        for path, methods in api_schema.raw_schema["paths"].items():
            for method in methods:
                url = re.sub(r"\{[^}]+\}", "1", path)
                answer = client.request(method.upper(), url)
                assert answer.status_code == 401, (method, path, answer.status_code)
