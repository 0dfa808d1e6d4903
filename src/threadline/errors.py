"""Errors a user can cause, each carrying a message fit to print on one line."""

from __future__ import annotations

__all__ = ["ThreadlineError", "ValidationError"]


class ThreadlineError(Exception):
    """Base for errors whose message is meant for the analyst, not a traceback."""


class ValidationError(ThreadlineError, ValueError):
    """A value breaks a rule of the intelligence model (grade, marking, handling, role...)."""
