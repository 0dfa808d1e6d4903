"""Threadline's own risk indicators, one plugin module each (listed in DEFAULT_PLUGINS)."""

__all__: list[str] = []
