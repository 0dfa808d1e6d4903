"""The HTTP API (FastAPI routers under ``/api/v1``, pydantic schemas, the request's user and
View). `threadline.server.create_app` serves it with the workbench's pages."""

from threadline.api.settings import Settings

__all__ = ["Settings"]
