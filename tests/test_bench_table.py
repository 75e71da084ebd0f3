"""The ``make bench`` table: medians, ratios, verdicts, the JSON document and the printed table.

Nothing is timed here: ``benchmarks/table.py`` only decides and formats what ``benchmarks/run.py`` measured.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from table import (
    HEADINGS,
    Budget,
    Compare,
    Row,
    Subject,
    document,
    dumps,
    markdown_table,
    median,
    merge,
    ratio,
    text_table,
)


def test_median_of_an_even_and_odd_count_and_of_nothing() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert math.isnan(median([]))


def test_ratio_is_value_over_baseline_or_a_speedup() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(0.5, 30.0, speedup=True) == 60.0
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(math.nan, 1.0))


def speedup_row(value: float, baseline: float) -> Row:
    return Row(
        "users_bulk",
        "500 users",
        "s",
        "python benchmarks/run.py --only users",
        Budget(60, Compare.AT_LEAST, Subject.RATIO),
        runs=[value, value + 0.2, value - 0.1],
        baseline_name="one at a time",
        baseline_runs=[baseline],
        speedup=True,
    )


def test_a_speedup_row_passes_at_its_budget_and_fails_below() -> None:
    assert speedup_row(1.0, 60.0).verdict == "pass"
    assert speedup_row(1.0, 59.0).verdict == "FAIL"


def test_a_limit_on_the_value_and_on_a_slowdown() -> None:
    slow = Row("x", "x", "s", "cmd", Budget(2, Compare.AT_MOST, Subject.RATIO), runs=[3.0], baseline_name="b")
    slow.baseline_runs = [1.0]
    assert slow.ratio == 3.0
    assert slow.verdict == "FAIL"
    slow.baseline_runs = [1.5]
    assert slow.verdict == "pass"
    limit = Row("y", "y", "ms", "cmd", Budget(50), runs=[40.0, 70.0, 45.0])
    assert limit.value == 45.0
    assert limit.verdict == "pass"
    limit.runs = [60.0]
    assert limit.verdict == "FAIL"


def test_not_measured_and_unbudgeted_rows() -> None:
    missing = Row("bundle", "bundle", "MB", "make bundle", Budget(150), not_measured="not built")
    assert missing.verdict == "n/a"
    assert Row("i", "info", "s", "cmd", None, runs=[1.0]).verdict == "info"
    assert Row("e", "empty", "s", "cmd", Budget(1)).verdict == "n/a"


def test_the_json_document_says_every_row_and_the_counts() -> None:
    rows = [
        speedup_row(1.0, 70.0),
        speedup_row(1.0, 10.0),
        Row("bundle", "bundle", "MB", "make bundle", Budget(150), not_measured="not built"),
    ]
    doc = json.loads(dumps(document(rows, {"cores": 2}, quick=True)))
    assert (doc["passed"], doc["failed"], doc["not_measured"]) == (1, 1, 1)
    assert doc["quick"] is True
    assert doc["machine"] == {"cores": 2}
    first = doc["rows"][0]
    assert first["value"] == 1.0
    assert first["baseline"] == {"name": "one at a time", "value": 70.0, "runs": [70.0]}
    assert first["ratio"] == 70.0
    assert first["budget"] == ">= 60x"
    assert first["command"] == "python benchmarks/run.py --only users"
    last = doc["rows"][2]
    assert last["value"] is None
    assert last["ratio"] is None
    assert last["baseline"] is None
    assert last["verdict"] == "n/a"
    assert last["not_measured"] == "not built"


def test_a_row_read_back_from_the_file_is_the_row_written() -> None:
    rows = [
        speedup_row(1.0, 70.0),
        Row("slow", "slower", "s", "x", Budget(2, subject=Subject.RATIO), [3.0], "calm", [1.0], group="u"),
        Row("onboard", "end to end", "s", "y", Budget(15), [18.6, 17.0], note="n", measured_at="2026-12-05"),
        Row("info", "no budget", "MB", "z", None, [1.0]),
        Row("bundle", "bundle", "MB", "make bundle", Budget(150), not_measured="not built"),
    ]
    doc = json.loads(dumps(document(rows, {}, quick=False)))
    again = [Row.from_json(data) for data in doc["rows"]]
    assert again == rows
    assert [row.verdict for row in again] == ["pass", "FAIL", "FAIL", "info", "n/a"]


def test_measuring_some_groups_again_replaces_only_their_rows() -> None:
    def row(key: str, group: str, value: float) -> Row:
        return Row(key, key, "s", "c", Budget(1), [value], group=group)

    before = [row("a1", "a", 1), row("a2", "a", 1), row("b1", "b", 1), row("c1", "c", 1)]
    fresh = [row("b1", "b", 2), row("b2", "b", 2), row("a1", "a", 2)]
    merged = merge(before, fresh, order=["a", "b", "c"])
    # group a was measured again and now has one row; b has a new row; c is kept
    assert [(r.key, r.value) for r in merged] == [("a1", 2), ("b1", 2), ("b2", 2), ("c1", 1)]
    assert merge(before, [], order=["a", "b", "c"]) == before


@pytest.mark.parametrize("render", [text_table, markdown_table])
def test_tables_have_a_line_per_row_with_its_verdict_and_command(render: object) -> None:
    missing = Row("b", "bundle", "MB", "make bundle", Budget(150), not_measured="not built")
    rows = [speedup_row(1.0, 70.0), missing]
    text = render(rows)  # type: ignore[operator]
    lines = text.splitlines()
    assert len(lines) == 2 + len(rows)
    assert all(heading in lines[0] for heading in HEADINGS)
    assert "70.00x" in lines[2]
    assert "pass" in lines[2]
    assert "python benchmarks/run.py --only users" in lines[2]
    assert "not built" in lines[3]
    assert "n/a" in lines[3]
