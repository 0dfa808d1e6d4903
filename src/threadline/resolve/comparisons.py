"""What the person model compares, level by level, in SQL and in words an analyst reads.

Each :class:`Field` is one Splink comparison. Its levels run from the strongest agreement to
"different"; a pair takes the first level whose SQL is true. The ``words`` of a level are what
an explanation says ("day and month swapped"); the SQL is what DuckDB runs. Fields whose
columns hold no data in a run are left out of that run's model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["NAME_PAIR", "PERSON_FIELDS", "Field", "Level", "splink_comparison"]

NAME_PAIR = "name_pair"
"""The prepared column holding given name and surname together; its term frequencies allow
for naming cultures (:mod:`threadline.resolve._cultures`)."""


@dataclass(frozen=True, slots=True)
class Level:
    """One level of agreement of a field."""

    sql: str
    """Condition over ``<column>_l`` and ``<column>_r``."""

    words: str
    """How an explanation describes a pair at this level."""

    tf: str | None = None
    """Column whose value frequency adjusts the weight: agreeing on "Nguyen" says less than
    agreeing on a rare surname."""

    null: bool = False
    """The level for "cannot compare": one side has no value. It carries no weight."""

    m: float | None = None
    """Starting guess of how often true matches sit at this level (refined by training)."""

    fixed: bool = False
    """Keep ``m`` as given: training does not change it."""

    own_u: bool = False
    """Term-frequency adjust against this level's own chance agreement (for a ``tf`` column
    that no single-column exact-match level compares)."""


@dataclass(frozen=True, slots=True)
class Field:
    """One comparison of the model: a field of the person and its levels."""

    name: str
    """Output name in Splink (``gamma_<name>``, ``bf_<name>``) and in explanations."""

    label: str
    """The field as an analyst calls it: "date of birth"."""

    columns: tuple[str, ...]
    """Prepared columns the levels read; the first must hold data for the field to be used."""

    levels: tuple[Level, ...]
    """From "cannot compare" through strongest agreement to "different"."""

    shows: tuple[str, ...] = ()
    """Columns whose values an explanation quotes (default: the first column). The field is
    used in a run when any of them holds data."""

    @property
    def shown(self) -> tuple[str, ...]:
        """The columns an explanation quotes."""
        return self.shows or self.columns[:1]


def _null(column: str) -> Level:
    return Level(f"{column}_l IS NULL OR {column}_r IS NULL", "missing on one side", null=True)


def _abjad(column: str, key: str, squeeze: bool = False) -> str:
    """A name in Arabic or Hebrew script on one side (``key``: the pattern its Latin
    spellings fit) and a Latin spelling that fits it on the other (``squeeze``: spaces
    dropped, for surnames of several words: "al rashid" against الرشيد)."""

    def latin(side: str) -> str:
        value = f"{column}_{side}"
        return f"replace({value}, ' ', '')" if squeeze else value

    return (
        f"CASE WHEN {key}_l IS NOT NULL AND {key}_r IS NULL "
        f"THEN regexp_full_match({latin('r')}, {key}_l) "
        f"WHEN {key}_r IS NOT NULL AND {key}_l IS NULL "
        f"THEN regexp_full_match({latin('l')}, {key}_r) ELSE FALSE END"
    )


def _jw(column: str, at: float) -> str:
    return f"jaro_winkler_similarity({column}_l, {column}_r) >= {at}"


def _else(words: str = "different") -> Level:
    return Level("ELSE", words, m=0.05)


def _one_edit(column: str) -> str:
    """One character substituted: cheap (no edit-distance call) on values of equal length."""
    return f"length({column}_l) = length({column}_r) AND hamming({column}_l, {column}_r) <= 1"


def _two_edits(column: str) -> str:
    """Up to two edits (insertions, deletions, transpositions). Edit distance is costly, so a
    cheap test first: two edits leave at least one of three short stretches intact."""
    a, b = f"{column}_l", f"{column}_r"
    return (
        f"(left({a}, 2) = left({b}, 2) OR right({a}, 2) = right({b}, 2) "
        f"OR substr({a}, 3, 2) = substr({b}, 3, 2)) AND damerau_levenshtein({a}, {b}) <= 2"
    )


GIVEN = Field(
    "given_name",
    "given name",
    (
        "given",
        "given_variant",
        "given_nick",
        "given_alt",
        "surname",
        "middle",
        "aliases",
        "given_abjad",
    ),
    (
        _null("given"),
        Level("given_l = given_r", "exact match", tf="given", m=0.8),
        Level(
            "given_variant_l = given_variant_r",
            "spelling variant of the same name",
            m=0.03,
        ),
        Level(
            _abjad("given", "given_abjad"),
            "the same name in Arabic or Hebrew script and in Latin letters",
            m=0.01,
        ),
        Level(
            "given_nick_l = given_nick_r OR list_contains(given_alt_l, given_variant_r) "
            "OR list_contains(given_alt_r, given_variant_l)",
            "nickname of the same name",
            m=0.02,
        ),
        Level(
            "list_contains(aliases_l, given_r) OR list_contains(aliases_r, given_l) "
            "OR list_has_any(aliases_l, aliases_r)",
            "a name the other record gives as an alias (a name the person is known by)",
            m=0.02,
        ),
        Level(
            "given_l = surname_r OR surname_l = given_r "
            "OR given_variant_l = middle_r OR middle_l = given_variant_r",
            "found in another part of the other name (names in a different order)",
            m=0.02,
        ),
        # Anna and Hanna, Mariusz and Dariusz: a typing slip seldom hits the first letter, so
        # two names alike but for it are usually two names (sisters of one house), not one
        # name mistyped. Its own level, so that training weighs it apart.
        Level(
            f"left(given_l, 1) <> left(given_r, 1) AND {_jw('given', 0.8)}",
            "similar spelling, another first letter (another name: Anna, Hanna)",
            m=0.01,
        ),
        Level(_jw("given", 0.92), "very similar spelling", m=0.06),
        Level(_jw("given", 0.8), "similar spelling", m=0.03),
        Level(
            "(length(given_l) = 1 OR length(given_r) = 1) AND left(given_l, 1) = left(given_r, 1)",
            "initial matches",
            m=0.01,
        ),
        _else(),
    ),
)

SURNAME = Field(
    "surname",
    "surname",
    (
        "surname",
        "surname_variant",
        "surname_parts",
        "given",
        "middle",
        NAME_PAIR,
        "surname_abjad",
    ),
    (
        _null("surname"),
        Level(
            "surname_l = surname_r AND given_l = given_r",
            "exact match, with the given name (weighed as a whole name)",
            tf=NAME_PAIR,
            own_u=True,
            m=0.7,
        ),
        Level("surname_l = surname_r", "exact match", tf="surname", m=0.1),
        Level(
            "surname_variant_l = surname_variant_r",
            "spelling variant or other romanisation of the same name",
            m=0.02,
        ),
        Level(
            _abjad("surname", "surname_abjad", squeeze=True),
            "the same name in Arabic or Hebrew script and in Latin letters",
            m=0.01,
        ),
        Level(
            # surname_parts is set only for compound surnames, so these are cheap on the rest.
            "list_contains(surname_parts_l, surname_r) OR list_contains(surname_parts_r, surname_l)"
            " OR list_has_any(surname_parts_l, surname_parts_r)",
            "shares part of a double-barrelled or compound surname",
            m=0.03,
        ),
        Level(
            "surname_l = given_r OR given_l = surname_r "
            "OR surname_l = middle_r OR middle_l = surname_r",
            "found in another part of the other name (names in a different order)",
            m=0.02,
        ),
        Level(_jw("surname", 0.92), "very similar spelling", m=0.06),
        Level(_jw("surname", 0.8), "similar spelling", m=0.03),
        _else(),
    ),
)

MIDDLE = Field(
    "middle_name",
    "middle names",
    ("middle", "given"),
    (
        _null("middle"),
        Level("middle_l = middle_r", "exact match", m=0.85),
        Level("left(middle_l, 1) = left(middle_r, 1)", "same initial", m=0.1),
        Level(
            "middle_l = given_r OR given_l = middle_r",
            "is the other's given name (forenames in a different order)",
            m=0.02,
        ),
        _else(),
    ),
)

_DOB_PARTS_EQUAL = (
    "(dob_y_l = dob_y_r)::INTEGER + (dob_m_l = dob_m_r)::INTEGER + (dob_d_l = dob_d_r)::INTEGER"
)

DOB = Field(
    "date_of_birth",
    "date of birth",
    ("dob", "dob_y", "dob_m", "dob_d"),
    (
        _null("dob"),
        Level("dob_l = dob_r AND dob_d_l IS NOT NULL", "exact match", m=0.8),
        Level(
            "dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
            "day and month swapped",
            m=0.02,
        ),
        Level(
            f"{_DOB_PARTS_EQUAL} >= 2 AND hamming(dob_l, dob_r) <= 1",
            "one digit different (a typing error)",
            m=0.08,
        ),
        Level(
            "dob_m_l = dob_m_r AND dob_d_l = dob_d_r AND abs(dob_y_l - dob_y_r) = 1",
            "same day and month, year one apart",
            m=0.01,
        ),
        Level(
            "dob_y_l = dob_y_r AND (dob_d_l IS NULL OR dob_d_r IS NULL) "
            "AND (dob_m_l IS NULL OR dob_m_r IS NULL OR dob_m_l = dob_m_r)",
            "agrees as far as the partial date goes",
            m=0.03,
        ),
        Level(
            "dob_y_l = dob_y_r "
            "AND ((dob_m_l = 1 AND dob_d_l = 1) OR (dob_m_r = 1 AND dob_d_r = 1))",
            "same year, one date is 1 January (often a placeholder for an unknown day)",
            m=0.01,
        ),
        Level(
            f"{_DOB_PARTS_EQUAL} >= 1 AND length(dob_l) = length(dob_r) "
            "AND hamming(dob_l, dob_r) <= 2",
            "two digits different",
            m=0.02,
        ),
        _else(),
    ),
)


def _identifier(name: str, label: str, column: str, differ: float) -> Field:
    return Field(
        name,
        label,
        (column,),
        (
            _null(column),
            Level(f"{column}_l = {column}_r", "exact match", m=0.9),
            Level(_one_edit(column), "one character different", m=0.05),
            Level(_two_edits(column), "two characters different or swapped", m=0.02),
            # Not learnt: where a data set never shows one person with two numbers, training
            # drives this m to zero, and one differing number would then veto every match.
            # People do hold several documents, and numbers are mistyped.
            Level("ELSE", "different", m=differ, fixed=True),
        ),
    )


NATIONAL_ID = _identifier("national_id", "national ID number", "national_id", 0.02)
DOCUMENT = _identifier("document_number", "passport or document number", "document_number", 0.05)

PHONE = Field(
    "phone",
    "phone number",
    ("phone", "phone_shared"),
    (
        _null("phone"),
        Level("phone_l = phone_r", "same number", tf="phone", m=0.6),
        # No "one digit different" level: controllers buy SIM cards in batches with
        # consecutive numbers, so near-identical numbers are often different people's.
        Level(
            "length(phone_l) >= 9 AND right(phone_l, 9) = right(phone_r, 9)",
            "same number written with and without the country code",
            m=0.05,
        ),
        # A controller's adverts and his victims' records show whichever of his lines was
        # at hand: two different numbers, one of them a line several people give, say
        # nothing against one person.
        Level(
            "phone_shared_l OR phone_shared_r",
            "not compared (different numbers, one a line several people give)",
            null=True,
        ),
        _else(),
    ),
    shows=("phone",),
)

EMAIL = Field(
    "email",
    "email address",
    ("email", "email_mailbox"),
    (
        _null("email"),
        Level("email_l = email_r", "same address", m=0.6),
        Level("email_mailbox_l = email_mailbox_r", "same mailbox (dots or +tag differ)", m=0.05),
        Level(
            "split_part(email_l, '@', 1) = split_part(email_r, '@', 1)",
            "same user name at a different provider",
            m=0.05,
        ),
        Level(_jw("email", 0.9), "similar address", m=0.05),
        # Not learnt, for the same reason as identifiers; people use several addresses.
        Level("ELSE", "different", m=0.3, fixed=True),
    ),
)

# A joint account has two holders, and one person holds several accounts: agreement is strong
# evidence and disagreement almost none.
ACCOUNT = Field(
    "bank_account",
    "bank account held",
    ("bank_account",),
    (
        _null("bank_account"),
        Level("bank_account_l = bank_account_r", "same account", tf="bank_account", m=0.7),
        Level("ELSE", "different", m=0.3, fixed=True),
    ),
)

# Adverts reuse a woman's photos; now and then one shows another woman, and a woman has
# several photos, so a different photo says almost nothing.
PHOTO = Field(
    "photo",
    "photo",
    ("photo", "photo_group"),
    (
        _null("photo"),
        # No term-frequency adjustment: a photo in many adverts is one woman's favourite.
        Level("photo_l = photo_r", "same photo", m=0.5),
        # A woman's adverts are her advertiser's: his lines and her photos recur together.
        # Not learnt: no training session sees adverts (they hold no date of birth, document
        # or address); half her adverts pairs show one photo, nearly all the rest one
        # advertiser.
        Level(
            "photo_group_l = photo_group_r",
            "different photos, one advertiser (adverts linked through the phones and photos "
            "they share)",
            m=0.45,
            fixed=True,
        ),
        Level("ELSE", "different photos of different advertisers", m=0.05, fixed=True),
    ),
)

_BORN_L = "coalesce(born_about_l, dob_y_l)"
_BORN_R = "coalesce(born_about_r, dob_y_r)"
_AGE_GAP = f"abs({_BORN_L} - {_BORN_R})"

# An advert states the woman's age ("Ruby, 23"), give or take a year or two (advertised ages
# run young). Two women of one advertiser advertised under one working name are told apart by
# it: a 23-year-old and a 35-year-old are not one woman; and a woman advertising on her own
# phone is the woman of that phone whose date of birth fits. Compared as years of birth: the
# one the stated age implies at the record's date, or the year of a date of birth. Two dates of
# birth are the date-of-birth comparison's, not this one's. Not learnt, like the photo: no
# training session sees adverts.
STATED_AGE = Field(
    "stated_age",
    "stated age",
    ("born_about", "dob_y"),
    (
        Level(
            f"(born_about_l IS NULL AND born_about_r IS NULL) OR {_BORN_L} IS NULL "
            f"OR {_BORN_R} IS NULL",
            "missing on one side",
            null=True,
        ),
        Level(
            f"{_AGE_GAP} <= 2",
            "stated age agrees (years of birth at most two apart)",
            m=0.85,
            fixed=True,
        ),
        Level(f"{_AGE_GAP} <= 4", "stated age a few years out", m=0.12, fixed=True),
        Level("ELSE", "stated age far out", m=0.03, fixed=True),
    ),
)

_SAME_POSTCODE = "postcode_l = postcode_r"
_NO_POSTCODE = "(postcode_l IS NULL OR postcode_r IS NULL)"

# Address and postcode are one comparison: scored apart, the same house would count twice.
ADDRESS = Field(
    "address",
    "address and postcode",
    ("address", "postcode", "house_number", "pc_sector", "pc_district"),
    (
        Level(
            "(address_l IS NULL OR address_r IS NULL) AND " + _NO_POSTCODE,
            "missing on one side",
            null=True,
        ),
        Level(f"address_l = address_r AND {_SAME_POSTCODE}", "same address and postcode", m=0.4),
        Level(
            f"address_l = address_r AND {_NO_POSTCODE}",
            "same address (postcode missing on one side)",
            m=0.1,
        ),
        Level(
            f"{_SAME_POSTCODE} AND (house_number_l = house_number_r OR {_jw('address', 0.9)})",
            "same postcode, same or very similar address",
            m=0.1,
        ),
        Level(
            f"{_SAME_POSTCODE} AND (house_number_l IS NULL OR house_number_r IS NULL "
            f"OR {_jw('address', 0.8)})",
            "same postcode, similar address",
            m=0.05,
        ),
        Level(_SAME_POSTCODE, "same postcode, different address", tf="postcode", m=0.05),
        # Jaro-Winkler is the costly test here: at most two calls per pair.
        Level(_jw("address", 0.9), "very similar address", m=0.05),
        Level(_one_edit("postcode"), "postcode one character different", m=0.02),
        Level(
            f"pc_sector_l = pc_sector_r OR {_jw('address', 0.8)}",
            "similar address or same postcode sector",
            m=0.05,
        ),
        Level("pc_district_l = pc_district_r", "same postcode district", m=0.02),
        _else(),
    ),
    shows=("address", "postcode"),
)

_OWN_ADDRESSES = (
    "(address_l IS NOT NULL OR postcode_l IS NOT NULL) "
    "AND (address_r IS NOT NULL OR postcode_r IS NOT NULL)"
)

# Where a record gives no address of the person's own, it still says where they were met: the
# patient's home for the person who came with them, the premises for its landlord, the place
# of an encounter. Two records of one name in the same street are far likelier one person than
# two in different towns. Compared only when the address comparison cannot be (so one house
# does not count twice).
PLACES = Field(
    "record_places",
    "places in the same record",
    ("ctx_postcodes", "ctx_districts", "ctx_areas", "address", "postcode"),
    (
        Level(
            f"ctx_postcodes_l IS NULL OR ctx_postcodes_r IS NULL OR ({_OWN_ADDRESSES})",
            "not compared (missing on one side, or both give an address of their own)",
            null=True,
        ),
        Level("list_has_any(ctx_postcodes_l, ctx_postcodes_r)", "a postcode in common", m=0.6),
        Level(
            "list_has_any(ctx_districts_l, ctx_districts_r)",
            "a postcode district in common",
            m=0.1,
        ),
        Level("list_has_any(ctx_areas_l, ctx_areas_r)", "a postcode area in common", m=0.1),
        Level("ELSE", "different places", m=0.2),
    ),
)


def _in_common(name: str, label: str, column: str, agree: str, differ: str) -> Field:
    """A field of things a record names around the person (a list column): one in common, or
    none."""
    return Field(
        name,
        label,
        (column,),
        (
            _null(column),
            Level(f"list_has_any({column}_l, {column}_r)", agree, m=0.5),
            Level("ELSE", differ, m=0.5),
        ),
    )


# The businesses a record names: the employer of a payroll row, the company of a directorship,
# the business a licence is for. A director and a licence holder of one company with the same
# name are one person far more often than two namesakes are.
ORGANISATIONS = _in_common(
    "record_organisations",
    "businesses in the same record",
    "ctx_orgs",
    "a business in common",
    "different businesses",
)

# The numbers a record gives besides the person's own: the line of the controller an
# intelligence log says runs her, the phone of whoever came with a patient. Two records of one
# name that both name one such line are far likelier one person than two namesakes.
RECORD_PHONES = _in_common(
    "record_phones",
    "other numbers in the same record",
    "ctx_phones",
    "a number in common",
    "different numbers",
)


def _same_or_not(column: str, same: float) -> Field:
    """A field (named as its column) compared only as same or different, with m fixed, not
    learnt: ``same`` for agreement, the rest for disagreement."""
    return Field(
        column,
        column,
        (column,),
        (
            _null(column),
            Level(f"{column}_l = {column}_r", "same", m=same, fixed=True),
            Level("ELSE", "different", m=round(1 - same, 6), fixed=True),
        ),
    )


# Not learnt: nationality goes with the name (same-name strangers share it), so training
# would mistake it for strong evidence; and agencies record it loosely.
NATIONALITY = _same_or_not("nationality", 0.95)

# A father and daughter of one surname at one house, "Michael" and "Mia", spell alike; their
# records say which is a man. Not learnt, like nationality: it goes with the given name, so
# training would take agreement for strong evidence. Different genders on two records of one
# person are a recording error, rare.
GENDER = _same_or_not("gender", 0.99)

PERSON_FIELDS = (
    GIVEN,
    SURNAME,
    MIDDLE,
    DOB,
    NATIONAL_ID,
    DOCUMENT,
    PHONE,
    EMAIL,
    ACCOUNT,
    PHOTO,
    STATED_AGE,
    ADDRESS,
    PLACES,
    ORGANISATIONS,
    RECORD_PHONES,
    NATIONALITY,
    GENDER,
)
"""Every comparison of the person model, in the order explanations list them."""


def splink_comparison(field: Field) -> dict[str, Any]:
    """The field as a Splink comparison dictionary (the form a saved model stores)."""
    levels: list[dict[str, Any]] = []
    for level in field.levels:
        entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.words}
        if level.null:
            entry["is_null_level"] = True
        if level.tf is not None:
            entry["tf_adjustment_column"] = level.tf
            entry["tf_adjustment_weight"] = 1.0
            entry["tf_minimum_u_value"] = 0.0001
        if level.m is not None:
            entry["m_probability"] = level.m
        if level.fixed:
            entry["fix_m_probability"] = True
        if level.own_u:
            entry["disable_tf_exact_match_detection"] = True
        levels.append(entry)
    return {
        "output_column_name": field.name,
        "comparison_description": field.label,
        "comparison_levels": levels,
    }
