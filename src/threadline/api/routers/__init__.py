"""The API's routers, one per concern, each mounted under ``/api/v1``."""

import fastapi

from threadline.api.routers import (
    alerts,
    audit,
    charts,
    entities,
    graph,
    intelligence,
    jobs,
    networks,
    people,
    priorities,
    review,
    search,
)

__all__ = ["API_ROUTERS"]

API_ROUTERS: tuple[fastapi.APIRouter, ...] = (
    entities.router,
    audit.router,
    graph.router,
    charts.router,
    intelligence.router,
    networks.router,
    priorities.router,
    people.router,
    review.router,
    jobs.router,
    search.router,
    alerts.router,
)
