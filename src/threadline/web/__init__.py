"""The analyst's workbench: server-rendered pages (Jinja2 and htmx) over the same library
functions as the command line and the API. No business logic lives in a page: each calls the
read path or a writer and renders what it returns.
"""

import fastapi

from threadline.web import (
    alerts,
    capture,
    chart,
    entities,
    network_changes,
    people,
    priorities,
    review,
    search,
    signin,
    uploads,
)
from threadline.web.render import STATIC, page, render_error

__all__ = ["STATIC", "page", "page_router", "render_error"]

page_router = fastapi.APIRouter(include_in_schema=False)
for _module in (signin, alerts, search, network_changes, entities, chart, review, capture,
                priorities, people, uploads):  # fmt: skip
    page_router.include_router(_module.router)
