"""Products for readers: problem profiles, their charts and maps."""

__all__: list[str] = []
