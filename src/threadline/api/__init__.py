"""The HTTP API (FastAPI, under ``/api/v1``) and the server that also serves the workbench."""

from threadline.api.app import API_PREFIX, create_app
from threadline.api.settings import Settings

__all__ = ["API_PREFIX", "Settings", "create_app"]
