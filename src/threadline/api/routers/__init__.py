"""The API's routers, one per concern, each mounted under ``/api/v1``."""

import fastapi

from threadline.api.routers import entities, graph, jobs, review

__all__ = ["API_ROUTERS"]

API_ROUTERS: tuple[fastapi.APIRouter, ...] = (
    entities.router,
    graph.router,
    review.router,
    jobs.router,
)
