"""The ``make bench`` table: rows, medians, ratios, verdicts, the JSON file and the printed table.

No timing here (nothing is measured in this module): ``benchmarks/run.py`` measures, this module decides
and formats, and ``tests/test_bench_table.py`` checks the deciding and formatting.

A row is one figure a user feels. It has the runs of the figure and, when there is one, the runs of its
baseline measured in the same ``make bench`` run; the median of each; the ratio between them when the budget
is a ratio; the budget (a limit on the figure or on the ratio); and the command that measures it alone.
Its verdict is ``pass``, ``fail`` or ``n/a`` (not measured: e.g. the bundle was not built).

A row belongs to a group (``run.py --only GROUP`` measures one group). Measuring some groups again updates
their rows in the file and keeps the others as they were (``merge``); each row says when it was measured.
"""

from __future__ import annotations

import json
import math
import platform
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

SCHEMA = 1


class Compare(Enum):
    """What the budget limits."""

    AT_MOST = "<="
    AT_LEAST = ">="


class Subject(Enum):
    """Which number the budget is about."""

    VALUE = "value"
    RATIO = "ratio"
    """``baseline / value`` when ``speedup``, else ``value / baseline``."""


@dataclass(frozen=True)
class Budget:
    limit: float
    compare: Compare = Compare.AT_MOST
    subject: Subject = Subject.VALUE

    def met(self, number: float) -> bool:
        if math.isnan(number):
            return False
        return number <= self.limit if self.compare is Compare.AT_MOST else number >= self.limit

    def text(self, unit: str) -> str:
        if self.subject is Subject.RATIO:
            return f"{self.compare.value} {self.limit:g}x"
        return f"{self.compare.value} {self.limit:g} {unit}".rstrip()


@dataclass
class Row:
    key: str
    figure: str
    unit: str
    command: str
    budget: Budget | None
    runs: list[float] = field(default_factory=list)
    baseline_name: str = ""
    baseline_runs: list[float] = field(default_factory=list)
    speedup: bool = False
    """The ratio is baseline / value (how many times faster than the baseline)."""
    note: str = ""
    not_measured: str = ""
    """Why there is no figure (e.g. "not built"); the verdict is then n/a."""
    group: str = ""
    """The ``--only`` group that measures this row."""
    measured_at: str = ""
    """When (UTC, ISO 8601): rows of a file can come from different runs."""

    @property
    def value(self) -> float:
        return median(self.runs)

    @property
    def baseline(self) -> float:
        return median(self.baseline_runs)

    @property
    def ratio(self) -> float:
        if not self.baseline_runs or not self.runs:
            return math.nan
        return ratio(self.value, self.baseline, speedup=self.speedup)

    @property
    def verdict(self) -> str:
        if self.not_measured or not self.runs:
            return "n/a"
        if self.budget is None:
            return "info"
        number = self.ratio if self.budget.subject is Subject.RATIO else self.value
        return "pass" if self.budget.met(number) else "FAIL"

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "figure": self.figure,
            "unit": self.unit,
            "value": _finite(self.value),
            "runs": self.runs,
            "baseline": {
                "name": self.baseline_name,
                "value": _finite(self.baseline),
                "runs": self.baseline_runs,
            }
            if self.baseline_name
            else None,
            "ratio": _finite(self.ratio),
            "speedup": self.speedup,
            "budget": self.budget.text(self.unit) if self.budget else None,
            "verdict": self.verdict,
            "command": self.command,
            "note": self.note,
            "not_measured": self.not_measured,
            "group": self.group,
            "measured_at": self.measured_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        """The row ``as_json`` wrote (its verdict and medians are worked out again from its runs)."""
        baseline = data.get("baseline") or {}
        return cls(
            key=str(data["key"]),
            figure=str(data["figure"]),
            unit=str(data["unit"]),
            command=str(data["command"]),
            budget=parse_budget(data.get("budget")),
            runs=[float(x) for x in data.get("runs", [])],
            baseline_name=str(baseline.get("name", "")),
            baseline_runs=[float(x) for x in baseline.get("runs", [])],
            speedup=bool(data.get("speedup", False)),
            note=str(data.get("note", "")),
            not_measured=str(data.get("not_measured", "")),
            group=str(data.get("group", "")),
            measured_at=str(data.get("measured_at", "")),
        )


_BUDGET = re.compile(r"^(<=|>=) ([0-9.e+-]+)(x?)")


def parse_budget(text: str | None) -> Budget | None:
    """The budget ``Budget.text`` wrote ("<= 1.15x", ">= 60x", "<= 15 s"); None for none."""
    if not text:
        return None
    found = _BUDGET.match(text)
    if found is None:
        raise ValueError(f"not a budget: {text!r}")
    return Budget(
        float(found[2]),
        Compare(found[1]),
        Subject.RATIO if found[3] else Subject.VALUE,
    )


def merge(previous: Sequence[Row], fresh: Sequence[Row], order: Sequence[str]) -> list[Row]:
    """The table after measuring some groups again: ``fresh`` rows replace every ``previous`` row of their
    groups; the other groups' rows stay. Groups in ``order``; rows of a group in the order they were made."""
    measured = {row.group for row in fresh}
    kept = [row for row in previous if row.group not in measured]
    rows = [*kept, *fresh]
    rank = {group: n for n, group in enumerate(order)}
    return sorted(rows, key=lambda row: rank.get(row.group, len(rank)))  # stable: rows keep their order


def median(values: Sequence[float]) -> float:
    """The median; NaN for no values."""
    return float(statistics.median(values)) if values else math.nan


def ratio(value: float, baseline: float, *, speedup: bool = False) -> float:
    """``value / baseline`` (how many times the baseline), or ``baseline / value`` for a speed-up; NaN when
    the divisor is zero or either number is missing."""
    top, bottom = (baseline, value) if speedup else (value, baseline)
    if math.isnan(top) or math.isnan(bottom) or bottom == 0:
        return math.nan
    return top / bottom


def _finite(number: float) -> float | None:
    return None if math.isnan(number) else round(number, 4)


def _number(number: float, unit: str) -> str:
    if math.isnan(number):
        return "—"
    if abs(number) >= 100:
        text = f"{number:.0f}"
    elif abs(number) >= 10:
        text = f"{number:.1f}"
    else:
        text = f"{number:.2f}"
    return f"{text} {unit}".rstrip()


def cells(row: Row) -> list[str]:
    value = row.not_measured or _number(row.value, row.unit)
    if len(row.runs) > 1:
        value += f" (n={len(row.runs)})"
    baseline = f"{row.baseline_name}: {_number(row.baseline, row.unit)}" if row.baseline_name else "—"
    shown_ratio = "—" if math.isnan(row.ratio) else f"{row.ratio:.2f}x"
    budget = row.budget.text(row.unit) if row.budget else "—"
    return [row.figure, value, baseline, shown_ratio, budget, row.verdict, row.command]


HEADINGS = ["figure", "median", "baseline (same run)", "ratio", "budget", "verdict", "command"]


def text_table(rows: Sequence[Row]) -> str:
    """Columns padded for a terminal."""
    table = [HEADINGS, *(cells(row) for row in rows)]
    widths = [max(len(line[n]) for line in table) for n in range(len(HEADINGS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(rows: Sequence[Row]) -> str:
    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(value.replace("|", "\\|") for value in values) + " |"

    head = line(HEADINGS)
    rule = "|" + "|".join("---" for _ in HEADINGS) + "|"
    body = [line([*cells(row)[:-1], f"`{row.command}`"]) for row in rows]
    return "\n".join([head, rule, *body])


def document(rows: Sequence[Row], machine: dict[str, Any], *, quick: bool) -> dict[str, Any]:
    """What ``benchmarks/latest.json`` holds."""
    verdicts = [row.verdict for row in rows]
    return {
        "schema": SCHEMA,
        "quick": quick,
        "machine": machine,
        "rows": [row.as_json() for row in rows],
        "passed": verdicts.count("pass"),
        "failed": verdicts.count("FAIL"),
        "not_measured": verdicts.count("n/a"),
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def machine(cores: int | None, qt_version: str, pyside_version: str, load: Sequence[float]) -> dict[str, Any]:
    return {
        "cores": cores,
        "python": platform.python_version(),
        "qt": qt_version,
        "pyside6": pyside_version,
        "platform": platform.platform(terse=True),
        "load_average_at_start": [round(x, 2) for x in load],
    }
