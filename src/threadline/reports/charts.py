"""The figures of a profile: each chart with its text alternative and the numbers behind it.

Drawn by ``threadline.reports.figures`` (bars, grouped bars, per-month lines, link charts) and
``threadline.reports.maps`` (premises by postcode area, without web map tiles) from the
profile's counts only: a figure shows nothing the profile's tables do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadline.reports.content import Profile
from threadline.reports.figures import (
    ChartNode,
    Figure,
    bar_chart,
    grouped_bar_chart,
    network_chart,
    time_chart,
)
from threadline.reports.maps import MapPoint, area_map
from threadline.reports.people import AGES, exploitation_label

__all__ = ["Figures", "draw"]


@dataclass(frozen=True, slots=True)
class Figures:
    """Every figure of a profile, by where it goes."""

    victims_by_type: Figure
    victims_by_nationality: Figure
    victims_by_age: Figure
    victims_by_sex: Figure
    victims_by_month: Figure
    suspects_by_type: Figure
    networks_by_type: Figure
    premises_map: Figure
    networks: tuple[Figure, ...]
    """One link chart per network section, in order."""


NATIONALITIES_SHOWN = 12
"""Most nationalities drawn; the rest are summed as "other"."""


def _top(counts: tuple[tuple[str, int], ...], limit: int) -> list[tuple[str, int]]:
    shown = list(counts[:limit])
    rest = sum(n for _, n in counts[limit:])
    return [*shown, ("other", rest)] if rest else shown


def draw(profile: Profile) -> Figures:
    """The figures of `profile`."""
    people = profile.people
    by_type = grouped_bar_chart(
        "Potential victims by exploitation type and age",
        [exploitation_label(k) for k, _ in people.by_type],
        {age: [counts[age] for _, counts in people.by_type] for age in AGES},
    )
    sections = profile.networks.sections
    return Figures(
        victims_by_type=by_type,
        victims_by_nationality=bar_chart(
            "Potential victims by nationality",
            _top(people.by_nationality, NATIONALITIES_SHOWN),
            label="potential victims",
        ),
        victims_by_age=bar_chart(
            "Potential victims: adults and children", people.by_age, label="potential victims"
        ),
        victims_by_sex=bar_chart(
            "Potential victims by sex", people.by_sex, label="potential victims"
        ),
        victims_by_month=time_chart(
            "Potential victims by month first reported", {"potential victims": people.by_month}
        ),
        suspects_by_type=bar_chart(
            "Suspects by exploitation type",
            [(exploitation_label(k), n) for k, n in people.suspects_by_type],
            label="suspects",
        ),
        networks_by_type=bar_chart(
            "Networks by their commonest exploitation type",
            [(exploitation_label(k), n) for k, n in profile.networks.by_type],
            label="networks",
        ),
        premises_map=area_map(
            "Premises by postcode area",
            profile.districts,
            points=[MapPoint(lat, lon, label, kind) for lat, lon, label, kind in profile.points],
        ),
        networks=tuple(
            network_chart(
                f"Network {s.number}",
                [ChartNode(name, label, kind) for name, label, kind in s.chart_nodes],
                s.chart_edges,
            )
            for s in sections
        ),
    )
