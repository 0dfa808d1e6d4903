"""Entities: one entity with every value's provenance, its links and indicators."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from threadline.api.deps import ViewDep
from threadline.api.schemas import EntityOut
from threadline.read.profile import entity_profile

__all__ = ["router"]

router = APIRouter(prefix="/entities", tags=["entities"])


@router.get("/{entity_id}", response_model=EntityOut, responses={404: {"description": "none"}})
def get_entity(entity_id: str, view: ViewDep) -> EntityOut:
    """The entity as the acting user may see it; 404 exactly as for no such entity."""
    profile = entity_profile(view, entity_id)
    if profile is None:
        raise HTTPException(404, "nothing you may see matches")
    return EntityOut.of(profile)
