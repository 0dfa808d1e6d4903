"""People: potential victims (especially those no agency has recognised) and potential
suspects, ranked with reasons, and analysts' decisions on them.

`assess` ranks what the acting user may see; signals are indicator plugins
(`registered_signals`, `PEOPLE_PLUGINS`) weighed by ``weights.yaml``; see docs/people.md.
"""

from threadline.people.assess import ACTIONS, Assessed, PersonAssessment, assess, people_context
from threadline.people.decisions import record_decision, withdraw_decision
from threadline.people.plugins import PEOPLE_PLUGINS, registered_signals
from threadline.people.settings import PeopleWeights, load_people_weights

__all__ = [
    "ACTIONS",
    "PEOPLE_PLUGINS",
    "Assessed",
    "PeopleWeights",
    "PersonAssessment",
    "assess",
    "load_people_weights",
    "people_context",
    "record_decision",
    "registered_signals",
    "withdraw_decision",
]
