"""Link types: relationships between mentions, read from links.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from followthemoney import model

__all__ = ["LinkType", "link_types"]


@dataclass(frozen=True, slots=True)
class LinkType:
    """A kind of relationship a mapping may state, and the FtM edge schema that holds it."""

    name: str
    label: str
    """Words for charts and reports: "lives at"."""
    schema: str
    """FollowTheMoney edge schema, so exports carry a relationship FtM tools understand."""
    source_prop: str
    target_prop: str
    from_schemata: tuple[str, ...]
    to_schemata: tuple[str, ...]

    def admits(self, source_schema: str, target_schema: str) -> bool:
        """Whether mentions of these schemata may be joined by this link."""
        src, dst = model.get(source_schema), model.get(target_schema)
        if src is None or dst is None:
            return False
        return any(src.is_a(s) for s in self.from_schemata) and any(
            dst.is_a(s) for s in self.to_schemata
        )


@cache
def link_types() -> dict[str, LinkType]:
    """Every link type by name."""
    data = yaml.safe_load((Path(__file__).parent / "links.yaml").read_text(encoding="utf-8"))
    out: dict[str, LinkType] = {}
    for name, spec in data.items():
        schema = model.get(spec["schema"])
        if schema is None or not schema.edge:
            raise ValueError(f"links.yaml: {name}: {spec['schema']} is not an FtM edge schema")
        out[name] = LinkType(
            name=name,
            label=spec["label"],
            schema=schema.name,
            source_prop=str(schema.edge_source),
            target_prop=str(schema.edge_target),
            from_schemata=tuple(spec["from"]),
            to_schemata=tuple(spec["to"]),
        )
    return out
