"""The person resolver's model as a JSON document: the trained Splink model with the
resolver's settings, so that a later run scores exactly the same way."""

from __future__ import annotations

import json
from typing import Any

from threadline.resolve.resolver_state import ResolverState
from threadline.resolve.settings import ResolverSettings

__all__ = ["MODEL_FORMAT", "model_json", "read_model_json"]

MODEL_FORMAT = "threadline.person-resolver/1"


def model_json(state: ResolverState) -> str:
    """The trained model and these settings as JSON."""
    if state.model_settings is None:
        raise RuntimeError("no model: call fit() or load_model() first")
    document = {
        "format": MODEL_FORMAT,
        "settings": state.settings.to_dict(),
        "splink": state.model_settings,
    }
    return json.dumps(document, indent=2, sort_keys=True, default=str)


def read_model_json(text: str) -> tuple[ResolverSettings, dict[str, Any]]:
    """The settings and the Splink model's settings of a document :func:`model_json` wrote."""
    document = json.loads(text)
    if document.get("format") != MODEL_FORMAT:
        raise ValueError("not a Threadline person-resolver model")
    return ResolverSettings.from_dict(document["settings"]), document["splink"]
