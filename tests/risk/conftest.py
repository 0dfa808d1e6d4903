"""Fixtures for risk tests.

Fixture strategy: use the smallest fixture. Indicator behaviour lives in case tables
(`test_indicators.py`) that build each case inline with the graph tests' one-line factory;
`case` (tests/conftest.py) runs them on SQLite and PostgreSQL. One end-to-end test loads the
small scenario.
"""

from __future__ import annotations
