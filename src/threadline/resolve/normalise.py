"""Person records in, matching features out: the one normalisation every resolution run shares.

Bulk work runs as DuckDB SQL (a million rows in seconds). Values that SQL cannot handle well
(names in any script, dates in free form, odd phone numbers, nationalities) go through the
value types in :mod:`threadline.values` once per *distinct* value and come back as lookup
tables joined in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

import duckdb
import pyarrow as pa

from threadline.bulk import paused_gc
from threadline.resolve import _names
from threadline.resolve.union_find import Groups
from threadline.values import CountryType, DateType, EmailType, PhoneType, PostcodeType
from threadline.values._text import load_table

__all__ = ["INPUT_COLUMNS", "PREPARED_COLUMNS", "Records", "prepare", "prepare_in"]

Records: TypeAlias = "pa.Table | duckdb.DuckDBPyRelation"
"""What the resolver accepts: an Arrow table or a DuckDB relation of person records."""

INPUT_COLUMNS = (
    "record_id",
    "source",
    "record",
    "given_name",
    "surname",
    "full_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "postcode",
    "nationality",
    "national_id",
    "document_number",
    "bank_account",
    "photo",
    "record_postcodes",
    "record_organisations",
    "born_about",
    "gender",
    "aliases",
    "record_phones",
)
"""Columns read from the input; all but ``record_id`` are optional, others are ignored.
``record`` names the source record (a row of a file) a person record comes from: two people
named in one record are two people (a patient and whoever came with them).
``bank_account`` is an account the person holds (sort code and number, or an IBAN);
``photo`` an identifier of a photo that shows the person (an advert's image hash);
``record_postcodes`` lists the postcodes of every place the person's record names (``;``
between them): where the person was met when the record gives no address of their own;
``record_organisations`` the businesses the record names (``;`` between them);
``born_about`` the year of birth an age the record states implies (an advert's "Ruby, 23"),
where the record gives no date of birth; ``gender`` as recorded (``male``, ``F``...);
``aliases`` the other names the person is known by, ``;`` between them (a victim's working
names, an offender's street name); ``record_phones`` every phone number the person's record
gives, ``;`` between them (the person's own, and others': the line an intelligence log says
her controller uses)."""

PREPARED_COLUMNS = (
    "uid",
    "record_id",
    "source",
    "record",
    "given_raw",
    "given",
    "given_variant",
    "given_nick",
    "given_alt",
    "given_sx",
    "given_abjad",
    "middle",
    "surname_raw",
    "surname",
    "surname_variant",
    "surname_parts",
    "surname_sx",
    "surname_abjad",
    "name_pair",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "phone",
    "phone_shared",
    "email",
    "email_mailbox",
    "postcode",
    "pc_sector",
    "pc_district",
    "address",
    "house_number",
    "street",
    "nationality",
    "national_id",
    "document_number",
    "bank_account",
    "photo",
    "photo_group",
    "born_about",
    "gender",
    "aliases",
    "known_as",
    "ctx_postcodes",
    "ctx_districts",
    "ctx_areas",
    "ctx_orgs",
    "ctx_phones",
)
"""Columns of :func:`prepare`'s output, in order."""

_TEXT = pa.string()
_GIVEN_SCHEMA = pa.schema(
    [
        ("k", _TEXT),
        ("given_raw", _TEXT),
        ("given", _TEXT),
        ("middle", _TEXT),
        ("given_variant", _TEXT),
        ("given_nick", _TEXT),
        ("given_alt", pa.list_(_TEXT)),
        ("given_sx", _TEXT),
        ("given_abjad", _TEXT),
    ]
)
_SURNAME_SCHEMA = pa.schema(
    [
        ("k", _TEXT),
        ("surname_raw", _TEXT),
        ("surname", _TEXT),
        ("surname_variant", _TEXT),
        ("surname_parts", pa.list_(_TEXT)),
        ("surname_sx", _TEXT),
        ("surname_abjad", _TEXT),
    ]
)
_FULL_SCHEMA = pa.schema(
    [("k", _TEXT)]
    + [f for f in _GIVEN_SCHEMA if f.name != "k"]
    # a full name yields both halves
    + [f for f in _SURNAME_SCHEMA if f.name != "k"]
)
_VALUE_SCHEMA = pa.schema([("k", _TEXT), ("v", _TEXT)])

# Shapes SQL cleans without help; everything else goes to the value types.
_UK_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}$"
_SIMPLE_EMAIL = r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$"


def _placeholders() -> str:
    words: Any = load_table("common.yaml")["placeholders"]
    return ", ".join("'" + str(w).replace("'", "''") + "'" for w in words)


def _street_suffix_map() -> str:
    table: Any = load_table("address.yaml")["street_suffixes"]
    pairs = ", ".join(f"'{k}': '{v}'" for k, v in table.items())
    return "MAP {" + pairs + "}"


def connect(threads: int | None = None, memory_limit: str | None = None) -> Any:
    """A DuckDB in-memory connection set up for resolution work."""
    con = duckdb.connect()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit is not None:
        con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET preserve_insertion_order = false")
    return con


def _to_arrow(records: Records) -> pa.Table:
    if isinstance(records, pa.Table):
        return records
    if isinstance(records, duckdb.DuckDBPyRelation):
        return records.to_arrow_table()
    raise TypeError(f"expected a pyarrow.Table or a DuckDB relation, not {type(records)!r}")


def prepare(records: Records, *, threads: int | None = None) -> pa.Table:
    """Normalise person records into the columns the matching model compares.

    Names become ASCII (any script), with the given name, middle names and surname split,
    family-name-first order recognised in a full name, and spelling variants and nicknames
    folded (``given_variant``, ``given_alt``). Dates become ISO prefixes (``1990``,
    ``1990-09``, ``1990-09-05``) with year, month and day kept apart for swap comparisons;
    phones E.164; emails lower case plus the mailbox they deliver to; UK postcodes canonical
    with sector and district; nationality ISO 3166 alpha-2 (lower case, as FtM writes it).

    >>> import pyarrow as pa
    >>> out = prepare(pa.table({"record_id": ["1"], "full_name": ["Nguyễn Thị Lan"],
    ...     "date_of_birth": ["05/09/1990"], "phone": ["07911 123456"]}))
    >>> row = out.to_pylist()[0]
    >>> row["given"], row["middle"], row["surname"], row["dob"], row["phone"]
    ('lan', 'thi', 'nguyen', '1990-09-05', '+447911123456')
    """
    con = connect(threads)
    try:
        prepare_in(con, records, "prepared")
        return con.sql("SELECT * FROM prepared").to_arrow_table()
    finally:
        con.close()


def prepare_in(con: Any, records: Records, name: str) -> None:
    """Run :func:`prepare` inside ``con``, leaving the result in table ``name``."""
    con.register("_tl_input", _to_arrow(records))
    present = {c[0] for c in con.sql("DESCRIBE _tl_input").fetchall()}
    if "record_id" not in present:
        raise ValueError("person records need a 'record_id' column")
    holders = _placeholders()
    cols = []
    for column in INPUT_COLUMNS:
        if column in present:
            text = f'trim(CAST("{column}" AS VARCHAR))'
            cols.append(
                f"CASE WHEN {text} = '' OR lower({text}) IN ({holders}) THEN NULL "
                f"ELSE {text} END AS {column}"
            )
        else:
            cols.append(f"CAST(NULL AS VARCHAR) AS {column}")
    # One pass: typed, placeholder-free columns, plus the forms SQL can clean without the
    # value types (the rest go to them, once per distinct value).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _tl_base AS SELECT *,
        {_DOB_FAST} AS dob_fast,
        {_PHONE_FAST} AS phone_fast,
        CASE WHEN regexp_full_match(lower(email), '{_SIMPLE_EMAIL}') THEN lower(email) END
            AS email_fast,
        CASE WHEN regexp_full_match(pc_compact, '{_UK_POSTCODE}')
            THEN left(pc_compact, length(pc_compact) - 3) || ' ' || right(pc_compact, 3)
            END AS postcode_fast
        FROM (SELECT *, {_PHONE_DIGITS} AS phone_digits, {_PC_COMPACT} AS pc_compact
              FROM (SELECT * REPLACE ({_PC_FROM_ADDRESS} AS postcode,
                                      {_ADDRESS_WITHOUT_PC} AS address)
                    FROM (SELECT CAST(row_number() OVER () AS BIGINT) AS uid, {", ".join(cols)}
                          FROM _tl_input)))"""  # noqa: S608 - SQL of our own constants
    )
    con.unregister("_tl_input")
    # The numbers a record gives, one row each, normalised as the phone column is.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _tl_ctx_raw AS
        SELECT uid, phone, {_PHONE_FAST} AS phone_fast
        FROM (SELECT uid, phone, {_PHONE_DIGITS} AS phone_digits
              FROM (SELECT uid, trim(unnest(string_split(record_phones, ';'))) AS phone
                    FROM _tl_base WHERE record_phones IS NOT NULL)
              WHERE phone <> '')"""  # noqa: S608 - SQL of our own constants
    )
    _name_lookups(con)
    _value_lookups(con)
    _photo_groups(con)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _tl_ctx_phone AS "
        "SELECT uid, list_sort(list_distinct(list(coalesce(r.phone_fast, p.v)) "
        "FILTER (WHERE coalesce(r.phone_fast, p.v) IS NOT NULL))) AS ctx_phones "
        "FROM _tl_ctx_raw r LEFT JOIN _tl_phone p ON p.k = r.phone GROUP BY uid"
    )
    con.execute(f"CREATE OR REPLACE TABLE {name} AS {_final_sql()}")
    for table in ("_tl_given", "_tl_surname", "_tl_full", "_tl_dob", "_tl_phone", "_tl_email"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    for table in ("_tl_postcode", "_tl_country", "_tl_photo_group", "_tl_base", "_tl_ctx_raw",
                  "_tl_ctx_phone"):  # fmt: skip
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _photo_groups(con: Any) -> None:
    """``_tl_photo_group``: each photo's advertiser, the photos and phones that adverts show
    together, joined through each other (one advertiser's adverts show his lines and his
    women's photos). Named by its first photo, so that a re-run names it alike."""
    pairs = con.sql(
        f"SELECT DISTINCT {_PHOTO.format(column='b.photo')} AS photo, "  # noqa: S608 - SQL of our own constants
        "coalesce(b.phone_fast, p.v) AS phone FROM _tl_base b "
        "LEFT JOIN _tl_phone p ON p.k = b.phone WHERE b.photo IS NOT NULL"
    ).fetchall()
    joined = Groups()  # the smallest name leads: "i:" photos before "p:" phones
    for photo, phone in pairs:
        if photo is not None and phone is not None:
            joined.join(f"i:{photo}", f"p:{phone}")
    photos = sorted({photo for photo, _ in pairs if photo is not None})
    groups = [joined.head(f"i:{photo}")[2:] for photo in photos]
    _register(con, "_tl_photo_group", {"k": photos, "v": groups}, _VALUE_SCHEMA)


def _distinct(con: Any, sql: str) -> list[str]:
    return [row[0] for row in con.sql(sql).fetchall()]


def _rows(
    values: Iterable[str], schema: pa.Schema, row: Callable[[str], dict[str, Any]]
) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {name: [] for name in schema.names}
    with paused_gc():
        for value in values:
            found = row(value)
            out["k"].append(value)
            for key in schema.names[1:]:
                out[key].append(found[key])
    return out


def _full_row(value: str) -> dict[str, Any]:
    form = _names.full_name_form(value)
    return _one_given(form.given) | _one_surname(form.surname)


def _one_given(form: _names.GivenForm) -> dict[str, Any]:
    return {
        "given_raw": form.raw,
        "given": form.given,
        "middle": form.middle,
        "given_variant": form.variant,
        "given_nick": form.nick,
        # Kept only for nicknames of several names ("chris"): the list test is costly.
        "given_alt": list(form.alternatives) if len(form.alternatives) > 2 else None,
        "given_sx": _names.soundex(form.variant) if form.variant else None,
        # A name in Arabic or Hebrew script: the pattern its Latin spellings fit.
        "given_abjad": _names.abjad_key(form.raw, first=True),
    }


def _one_surname(form: _names.SurnameForm) -> dict[str, Any]:
    key = (form.variant or "").replace(" ", "")
    return {
        "surname_raw": form.raw,
        "surname": form.surname,
        "surname_variant": form.variant,
        # Kept only for compound surnames, so that comparing the rest costs nothing.
        "surname_parts": list(form.parts) if len(form.parts) > 1 else None,
        "surname_sx": _names.soundex(key) if key else None,
        "surname_abjad": _names.abjad_key(form.raw),
    }


def _register(con: Any, name: str, data: dict[str, list[Any]], schema: pa.Schema) -> None:
    con.register(f"{name}_v", pa.table(data, schema=schema))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_v")  # noqa: S608 - SQL of our own constants; values are bound
    con.unregister(f"{name}_v")


def _name_lookups(con: Any) -> None:
    given = _distinct(con, "SELECT DISTINCT given_name FROM _tl_base WHERE given_name IS NOT NULL")
    rows = _rows(given, _GIVEN_SCHEMA, lambda v: _one_given(_names.given_form(v)))
    _register(con, "_tl_given", rows, _GIVEN_SCHEMA)
    surnames = _distinct(con, "SELECT DISTINCT surname FROM _tl_base WHERE surname IS NOT NULL")
    rows = _rows(surnames, _SURNAME_SCHEMA, lambda v: _one_surname(_names.surname_form(v)))
    _register(con, "_tl_surname", rows, _SURNAME_SCHEMA)
    full = _distinct(
        con,
        "SELECT DISTINCT full_name FROM _tl_base WHERE full_name IS NOT NULL "
        "AND given_name IS NULL AND surname IS NULL",
    )
    _register(con, "_tl_full", _rows(full, _FULL_SCHEMA, _full_row), _FULL_SCHEMA)


def _value_table(con: Any, name: str, sql: str, clean: Callable[[str], str | None]) -> None:
    keys = _distinct(con, sql)
    with paused_gc():
        values = [clean(k) for k in keys]
    _register(con, name, {"k": keys, "v": values}, _VALUE_SCHEMA)


def _value_lookups(con: Any) -> None:
    dates, phones, emails = DateType(), PhoneType(), EmailType()
    postcodes, countries = PostcodeType(), CountryType()
    _value_table(
        con,
        "_tl_dob",
        "SELECT DISTINCT date_of_birth FROM _tl_base WHERE date_of_birth IS NOT NULL "
        "AND dob_fast IS NULL",
        lambda v: dates.clean(v).value,
    )
    _value_table(
        con,
        "_tl_phone",
        "SELECT DISTINCT phone FROM _tl_base WHERE phone IS NOT NULL AND phone_fast IS NULL "
        "UNION SELECT DISTINCT phone FROM _tl_ctx_raw WHERE phone_fast IS NULL",
        lambda v: phones.clean(v).value,
    )
    _value_table(
        con,
        "_tl_email",
        "SELECT DISTINCT email FROM _tl_base WHERE email IS NOT NULL AND email_fast IS NULL",
        lambda v: emails.clean(v).value,
    )
    _value_table(
        con,
        "_tl_postcode",
        "SELECT DISTINCT postcode FROM _tl_base WHERE postcode IS NOT NULL "
        "AND postcode_fast IS NULL",
        lambda v: postcodes.clean(v).value,
    )
    _value_table(
        con,
        "_tl_country",
        "SELECT DISTINCT nationality FROM _tl_base WHERE nationality IS NOT NULL",
        lambda v: countries.clean(v).value,
    )


_DOB_FAST = (
    "CASE WHEN regexp_full_match(date_of_birth, '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{8}') "
    "THEN strftime(try_strptime(replace(date_of_birth, '-', ''), '%Y%m%d'), '%Y-%m-%d') "
    # UK agencies write the day first; a value that is not a valid day-first date (05/13/1990)
    # goes to the date value type, which explains how it read it.
    "WHEN regexp_full_match(date_of_birth, '[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}') "
    "THEN strftime(try_strptime(regexp_replace(date_of_birth, '[.-]', '/', 'g'), '%d/%m/%Y'), "
    "'%Y-%m-%d') END"
)
# A letter O written for a zero ("07700 9OO123", as adverts write numbers to dodge filters) is
# read as the zero it stands for.
_PHONE_DIGITS = "regexp_replace(translate(phone, 'Oo', '00'), '[^0-9+]', '', 'g')"
_PHOTO = "nullif(lower(regexp_replace({column}, '[^A-Za-z0-9]', '', 'g')), '')"
_PHONE_FAST = (
    "CASE WHEN regexp_full_match(phone_digits, '0[1-37][0-9]{8,9}') "
    "THEN '+44' || substr(phone_digits, 2) "
    "WHEN regexp_full_match(phone_digits, '\\+44[1-37][0-9]{8,9}') THEN phone_digits "
    "WHEN regexp_full_match(phone_digits, '0044[1-37][0-9]{8,9}') "
    "THEN '+' || substr(phone_digits, 3) "
    # UK numbers written with the trunk zero after the country code (+44 (0)7700 900123),
    # with the country code but no plus, or a mobile without its leading zero: one number,
    # so one key for blocking and for its frequency.
    "WHEN regexp_full_match(phone_digits, '(\\+|00)440[1-37][0-9]{8,9}') "
    "THEN '+44' || regexp_extract(phone_digits, '440([0-9]+)$', 1) "
    "WHEN regexp_full_match(phone_digits, '44[1-37][0-9]{8,9}') THEN '+' || phone_digits "
    "WHEN regexp_full_match(phone_digits, '7[0-9]{9}') THEN '+44' || phone_digits END"
)
_PC_COMPACT = "upper(regexp_replace(postcode, '[^A-Za-z0-9]', '', 'g'))"
# Legacy exports write the postcode at the end of the address line ("1 HIGH ST, SPALDING
# PE12 9NW"): when there is no postcode of its own, it is taken from there.
_PC_AT_END = "[,\\s]+([A-Za-z]{1,2}[0-9][A-Za-z0-9]?) ?([0-9][A-Za-z]{2})\\s*$"
_PC_FROM_ADDRESS = (
    f"CASE WHEN postcode IS NULL AND regexp_matches(address, '{_PC_AT_END}') "
    f"THEN upper(regexp_extract(address, '{_PC_AT_END}', 1) || ' ' "
    f"|| regexp_extract(address, '{_PC_AT_END}', 2)) ELSE postcode END"
)
_ADDRESS_WITHOUT_PC = (
    f"CASE WHEN postcode IS NULL AND regexp_matches(address, '{_PC_AT_END}') "
    f"THEN nullif(regexp_replace(address, '{_PC_AT_END}', ''), '') ELSE address END"
)
_UNIT_WORDS = "('flat', 'apartment', 'apt', 'unit', 'room', 'studio', 'suite', 'floor')"
"""Words before a flat's number in a prepared address (SQL list)."""
# The postcodes of a record's places: canonical UK postcodes, with district and area lists.
_CTX_COMPACT = (
    "list_transform(string_split(record_postcodes, ';'), "
    "lambda x: upper(regexp_replace(x, '[^A-Za-z0-9]', '', 'g')))"
)
_CTX_POSTCODES = (
    f"list_sort(list_distinct(list_transform(list_filter({_CTX_COMPACT}, "
    f"lambda x: regexp_full_match(x, '{_UK_POSTCODE}')), "
    "lambda x: left(x, length(x) - 3) || ' ' || right(x, 3))))"
)


def _final_sql() -> str:
    suffixes = _street_suffix_map()
    # "2/14 Mill Lane" is flat 2 of number 14, written as "Flat 2, 14 Mill Lane" elsewhere.
    flat_slash = r"regexp_replace(b.address, '^\s*([0-9]+[A-Za-z]?)\s*/\s*([0-9])', 'flat \1 \2')"
    address_words = (
        f"list_filter(string_split(trim(regexp_replace(lower(strip_accents({flat_slash})), "
        "'[^a-z0-9]+', ' ', 'g')), ' '), lambda x: x <> '')"
    )
    return f"""
    WITH n AS (
        SELECT b.*,
            coalesce(g.given_raw, f.given_raw) AS given_raw,
            coalesce(g.given, f.given) AS given,
            coalesce(g.middle, f.middle) AS middle,
            coalesce(g.given_variant, f.given_variant) AS given_variant,
            coalesce(g.given_nick, f.given_nick) AS given_nick,
            coalesce(g.given_alt, f.given_alt) AS given_alt,
            coalesce(g.given_sx, f.given_sx) AS given_sx,
            coalesce(g.given_abjad, f.given_abjad) AS given_abjad,
            coalesce(s.surname_raw, f.surname_raw) AS surname_raw,
            coalesce(s.surname, f.surname) AS surname_n,
            coalesce(s.surname_variant, f.surname_variant) AS surname_variant,
            coalesce(s.surname_parts, f.surname_parts) AS surname_parts,
            coalesce(s.surname_sx, f.surname_sx) AS surname_sx,
            coalesce(s.surname_abjad, f.surname_abjad) AS surname_abjad,
            coalesce(b.dob_fast, d.v) AS dob,
            coalesce(b.phone_fast, p.v) AS phone_n,
            coalesce(b.email_fast, e.v) AS email_n,
            coalesce(b.postcode_fast, pc.v) AS postcode_n,
            c.v AS nationality_n,
            {_CTX_POSTCODES} AS ctx_list,
            list_transform({address_words}, lambda x: coalesce(sfx[x], x)) AS address_tokens,
            nullif(list_sort(list_distinct(list_filter(list_transform(string_split(b.aliases, ';'),
                lambda x: trim(regexp_replace(lower(strip_accents(x)), '[^a-z]+', ' ', 'g'))),
                lambda x: x <> ''))), []) AS alias_list
        FROM _tl_base b
        CROSS JOIN (SELECT {suffixes} AS sfx) m
        LEFT JOIN _tl_given g ON g.k = b.given_name
        LEFT JOIN _tl_surname s ON s.k = b.surname
        LEFT JOIN _tl_full f ON f.k = b.full_name AND b.given_name IS NULL AND b.surname IS NULL
        LEFT JOIN _tl_dob d ON d.k = b.date_of_birth
        LEFT JOIN _tl_phone p ON p.k = b.phone
        LEFT JOIN _tl_email e ON e.k = b.email
        LEFT JOIN _tl_postcode pc ON pc.k = b.postcode
        LEFT JOIN _tl_country c ON c.k = b.nationality
    ),
    lines AS (
        -- A number the records of three or more different given names give is a line people
        -- share (a controller's work phone, a house phone): which of several such lines a
        -- record shows says nothing of who the person is.
        SELECT phone_n, count(DISTINCT given) >= 3 AS shared
        FROM n WHERE phone_n IS NOT NULL AND given IS NOT NULL GROUP BY phone_n
    )
    SELECT
        uid,
        CAST(record_id AS VARCHAR) AS record_id,
        source,
        record,
        given_raw, given, given_variant, given_nick, given_alt, given_sx, given_abjad, middle,
        surname_raw, surname_n AS surname, surname_variant, surname_parts, surname_sx,
        surname_abjad,
        given || ' ' || surname_n AS name_pair,
        dob,
        TRY_CAST(substr(dob, 1, 4) AS INTEGER) AS dob_y,
        TRY_CAST(substr(dob, 6, 2) AS INTEGER) AS dob_m,
        TRY_CAST(substr(dob, 9, 2) AS INTEGER) AS dob_d,
        phone_n AS phone,
        coalesce(lines.shared, FALSE) AS phone_shared,
        email_n AS email,
        CASE WHEN split_part(email_n, '@', 2) IN ('gmail.com', 'googlemail.com')
             THEN replace(split_part(split_part(email_n, '@', 1), '+', 1), '.', '')
                  || '@gmail.com'
             ELSE email_n END AS email_mailbox,
        postcode_n AS postcode,
        CASE WHEN contains(postcode_n, ' ') THEN substr(postcode_n, 1, length(postcode_n) - 2)
             END AS pc_sector,
        CASE WHEN contains(postcode_n, ' ') THEN split_part(postcode_n, ' ', 1) END
            AS pc_district,
        CASE WHEN len(address_tokens) > 0 THEN array_to_string(address_tokens, ' ') END
            AS address,
        -- The first number that is not a flat's ("flat 2 14 mill lane": 14).
        list_filter(address_tokens, lambda x, i: regexp_full_match(x, '[0-9]+[a-z]?')
            AND (i = 1 OR address_tokens[i - 1] NOT IN {_UNIT_WORDS}))[1] AS house_number,
        list_filter(address_tokens, lambda x: regexp_full_match(x, '[a-z]{{3,}}')
            AND x NOT IN {_UNIT_WORDS} AND x <> 'the')[1] AS street,
        nationality_n AS nationality,
        nullif(upper(regexp_replace(national_id, '[^A-Za-z0-9]', '', 'g')), '') AS national_id,
        nullif(upper(regexp_replace(document_number, '[^A-Za-z0-9]', '', 'g')), '')
            AS document_number,
        nullif(upper(regexp_replace(bank_account, '[^A-Za-z0-9]', '', 'g')), '') AS bank_account,
        {_PHOTO.format(column="n.photo")} AS photo,
        pg.v AS photo_group,
        TRY_CAST(born_about AS INTEGER) AS born_about,
        CASE WHEN lower(gender) IN ('m', 'male', 'man') THEN 'm'
             WHEN lower(gender) IN ('f', 'female', 'woman') THEN 'f' END AS gender,
        alias_list AS aliases,
        -- The name a record knows the person by when it is not their whole name: an alias
        -- it gives, or the one name of a record that gives no surname (an advert's working
        -- name). Blocking pairs records on it, so a woman's adverts meet her own records.
        coalesce(alias_list[1], CASE WHEN surname_n IS NULL THEN given END) AS known_as,
        CASE WHEN len(ctx_list) > 0 THEN ctx_list END AS ctx_postcodes,
        CASE WHEN len(ctx_list) > 0 THEN list_sort(list_distinct(
            list_transform(ctx_list, lambda x: split_part(x, ' ', 1)))) END AS ctx_districts,
        CASE WHEN len(ctx_list) > 0 THEN list_sort(list_distinct(
            list_transform(ctx_list, lambda x: regexp_extract(x, '^[A-Z]+')))) END AS ctx_areas,
        nullif(list_sort(list_distinct(list_filter(list_transform(
            string_split(record_organisations, ';'), lambda x: trim(x)), lambda x: x <> ''))),
            []) AS ctx_orgs,
        -- The numbers the record gives besides the person's own (another's, or its text's).
        nullif(list_filter(cp.ctx_phones, lambda x: x IS DISTINCT FROM phone_n), [])
            AS ctx_phones
    FROM n LEFT JOIN lines USING (phone_n)
    LEFT JOIN _tl_ctx_phone cp USING (uid)
    LEFT JOIN _tl_photo_group pg ON pg.k = {_PHOTO.format(column="n.photo")}
    ORDER BY uid
    """  # noqa: S608 - SQL of our own constants
