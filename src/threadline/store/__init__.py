"""Storage: SQLAlchemy tables, Alembic migrations and the Store that holds them."""

from threadline.store.database import DEFAULT_URL, URL_ENV, StoreError, resolve_url
from threadline.store.store import COUNTED, Store

__all__ = ["COUNTED", "DEFAULT_URL", "URL_ENV", "Store", "StoreError", "resolve_url"]
