"""The `threadline` command line: one module per command group, options defined once.

`main` is the console entry point; `app` is the Typer application the groups hang off.
"""

from threadline.cli.main import app, main

__all__ = ["app", "main"]
