"""The vocabulary: grading, markings, handling, roles, retention and their combination."""

from threadline.model.grading import (
    SCHEME_3X5X2,
    SCHEME_5X5X5,
    Grade,
    HandlingCode,
    IntelligenceAssessment,
    SourceEvaluation,
    grade_3x5x2,
    grade_5x5x5,
)
from threadline.model.handling import Recipients, Restriction
from threadline.model.marking import Marking, parse_marking
from threadline.model.protection import Protection, combine, protection_of
from threadline.model.retention import RetentionGroup, parse_retention_group, review_date
from threadline.model.roles import (
    ExploitationType,
    Role,
    StatementKind,
    parse_exploitation,
    parse_role,
)

__all__ = [
    "SCHEME_3X5X2",
    "SCHEME_5X5X5",
    "ExploitationType",
    "Grade",
    "HandlingCode",
    "IntelligenceAssessment",
    "Marking",
    "Protection",
    "Recipients",
    "Restriction",
    "RetentionGroup",
    "Role",
    "SourceEvaluation",
    "StatementKind",
    "combine",
    "grade_3x5x2",
    "grade_5x5x5",
    "parse_exploitation",
    "parse_marking",
    "parse_retention_group",
    "parse_role",
    "protection_of",
    "review_date",
]
