"""Combining two reports' casualty breakdowns when they are merged into one incident.

A breakdown (``Incident.casualties``) holds, per kind, a figure for each side
the report names and at most one figure without a side. As
:mod:`dashboard.extract.casualties` writes them, a figure without a side
beside sided ones is the report's *overall* figure, kept only because it
says more than the sides' sum; so a kind's toll is the larger of the sides'
sum and that overall figure (:func:`toll`).

Merging keeps, per (kind, side), **the larger figure** rather than the later
report's:

- each side mostly reports its own dead ("four of ours", "three of theirs"),
  so the larger figure per side combines the two ministries' counts instead
  of letting one report erase the other's side;
- tolls of one event rise over the days as the wounded die and the missing
  are found, and the reports do not arrive in the order they were written
  (imports and backfills come late), so "later" would mean "stored later";
- it is symmetric: merging the same reports in another order gives the same
  figures, as every other rule of :mod:`~dashboard.store.refine` does.

What it cannot see is a figure revised *down* (the missing found alive):
the citations keep each source's own claim for a reader to weigh.

The overall figure follows the same rule and is then kept only where it
still says more than the merged sides' sum, so the result reads like a
single report. ``fatalities`` is then the killed toll, raised to the larger
reported ``fatalities`` where that says more (an ACLED row of 10 merged with
"Armenia 4, Azerbaijan 3" keeps 10, with 10 as the overall killed figure).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dashboard.models import CasualtyCount, CasualtyKind, Incident


def toll(casualties: Iterable[CasualtyCount], kind: CasualtyKind) -> int | None:
    """One kind's figure: the sides' sum or a larger overall one; ``None`` if not given."""
    counts = [c for c in casualties if c.kind is kind]
    if not counts:
        return None
    sided = sum(c.count for c in counts if c.side is not None)
    overall = [c.count for c in counts if c.side is None]
    return max([sided, *overall])


def merged_casualties(stored: Incident, incoming: Incident) -> tuple[CasualtyCount, ...]:
    """Both breakdowns combined (see the module rules), with the killed overall figure
    raised to the reports' larger ``fatalities`` where a killed breakdown exists."""
    combined: list[CasualtyCount] = []
    fatalities = _larger(stored.fatalities, incoming.fatalities)
    for kind in CasualtyKind:
        both = [c for c in (*stored.casualties, *incoming.casualties) if c.kind is kind]
        overall_floor = fatalities if kind is CasualtyKind.KILLED and both else None
        combined.extend(_merged_kind(kind, both, overall_floor))
    return tuple(combined)


def merged_fatalities(
    stored: Incident, incoming: Incident, merged: Sequence[CasualtyCount]
) -> int | None:
    """The killed figure of the merged record: the larger report's, or the merged toll."""
    return _larger(
        _larger(stored.fatalities, incoming.fatalities), toll(merged, CasualtyKind.KILLED)
    )


def _merged_kind(
    kind: CasualtyKind, counts: list[CasualtyCount], overall_floor: int | None
) -> list[CasualtyCount]:
    """One kind's figures: per side the largest, sides in first-seen order, then the overall."""
    largest: dict[str | None, int] = {}
    for count in counts:
        largest[count.side] = max(largest.get(count.side, count.count), count.count)
    overall = _larger(largest.pop(None, None), overall_floor)
    merged = [CasualtyCount(kind, side, n) for side, n in largest.items()]
    sided = sum(largest.values())
    if overall is not None and (overall > sided or (overall == 0 and not largest)):
        merged.append(CasualtyCount(kind, None, overall))
    return merged


def _larger(a: int | None, b: int | None) -> int | None:
    known = [n for n in (a, b) if n is not None]
    return max(known) if known else None
