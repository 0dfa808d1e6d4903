"""`evaluate names` takes its column names as data: a crafted --truth never becomes SQL.

The finding: the three column names were written into the query between double quotes, so a
value that closed the quote could read any file DuckDB can open, and the refusal of its first
"truth value" printed the file's first line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.resolve import evaluate_names


def crafted(secret: Path) -> str:
    """A --truth that, written into the old query, selected the secret file's lines."""
    return (
        "same\" FROM (SELECT 'x' AS a, 'y' AS b, column0 AS same FROM read_csv("
        f"'{secret}', header = false, columns = {{'column0': 'VARCHAR'}})) "
        'UNION ALL SELECT "a", "b", "same'
    )


def test_a_crafted_truth_column_reads_nothing_but_the_file_given(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-LINE\n")
    names = tmp_path / "names.csv"
    names.write_text("a,b,same\nLan Nguyen,Nguyen Lan,true\n")
    for column in (crafted(secret), 'same" --', "same' OR 1=1"):
        with pytest.raises(ValueError, match="has no column") as caught:
            evaluate_names(names, "a", "b", column)
        assert "TOPSECRET" not in str(caught.value)
    with pytest.raises(ValueError, match="has no column"):
        evaluate_names(names, f"a\" FROM read_csv('{secret}') --", "b", "same")


def test_a_column_name_that_looks_like_sql_is_just_a_name(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text('a,b,"same"" --"\nLan Nguyen,Nguyen Lan,true\nLan Nguyen,Minh Tran,false\n')
    result = evaluate_names(names, "a", "b", 'same" --')
    assert (result["pairs"], result["f1"]) == (2, 1.0)
