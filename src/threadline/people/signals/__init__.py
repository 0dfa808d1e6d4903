"""Signals that a person may be exploited, or may be exploiting others: indicator plugins."""

__all__: list[str] = []
