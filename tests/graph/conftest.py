"""Fixtures for graph tests.

Fixture strategy: use the smallest fixture; build special cases inline with the one-line
factory (`case.e("Person", "Lan NGUYEN", role="victim", phone=...)`, `case.link(...)`) on the
`store` fixture, so every test runs on SQLite and PostgreSQL. `scenario_store` loads the
small synthetic scenario once per database and resolves it by its ground truth.
"""

from __future__ import annotations
