"""Scenario sizes: how many shards, and what each shard holds."""

from __future__ import annotations

from dataclasses import dataclass

from threadline.scenario.background import BackgroundSpec


@dataclass(frozen=True, slots=True)
class SizeSpec:
    """A scenario size: ``shards`` worlds, each with ``networks`` networks in a background."""

    shards: int
    networks: int
    background: BackgroundSpec


_SHARD = BackgroundSpec(households=190, hmos=14, businesses=55, lone_victims=6, namesake_scale=0.15)

SIZE_SPECS: dict[str, SizeSpec] = {
    "small": SizeSpec(1, 8, BackgroundSpec(185, 14, 55, 8, namesake_scale=1.0)),
    "medium": SizeSpec(32, 3, _SHARD),
    "large": SizeSpec(690, 2, _SHARD),
}
