"""Synthetic multi-agency modern-slavery scenarios with ground truth.

``generate("small", seed=1, out=Path("demo-scenario"))`` writes what a police force, a council,
Immigration Enforcement, the NHS, HMRC, a companies register, a helpline charity, the NRM, an
ANPR bureau and an analyst's advert collection would each hold about one synthetic population,
each in its own format, plus ``sources.yaml`` and ``truth/``. See ``docs/scenario.md``.
"""

from threadline.scenario.core import SIZES, ScenarioError, ScenarioSummary, generate

__all__ = ["SIZES", "ScenarioError", "ScenarioSummary", "generate"]
