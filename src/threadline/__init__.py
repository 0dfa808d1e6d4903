"""Threadline: join up modern-slavery intelligence held by police and partner agencies."""

__version__ = "0.2.0"

__all__ = ["__version__"]
