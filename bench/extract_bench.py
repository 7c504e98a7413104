"""Extraction throughput: documents per second for ``extract_incidents``.

Run: ``python bench/extract_bench.py [N]``. Prints figures, asserts nothing.

Two inputs: the founding article (samples/reports, 2.1 KB, real text), and
synthetic ~2 KB reports assembled from template sentences with random
provinces, cues and dates (marked synthetic; never stored).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from dashboard.extract import extract_incidents
from dashboard.gazetteer import load_gazetteer
from dashboard.models import SYNTHETIC_PUBLISHER, Source, content_hash
from dashboard.pipeline import SAMPLE_DIR
from dashboard.sources import read_source

PROVINCES = ["Syunik", "Gegharkunik", "Tavush", "Vayots Dzor", "Kalbajar", "Lachin", "Gazakh"]
TEMPLATES = [
    "On {day} September the Azerbaijani side shelled positions in {province}.",
    "Troops opened fire near the border in {province} on {day} September.",
    "The ministry said the situation in {province} remained tense.",
    "According to the statement, there were no casualties.",
    "Officials met in Moscow to discuss the border issue.",
    "Engineering works were reported on the {province} section of the border.",
    "Two servicemen were wounded, the statement said.",
]


def synthetic_report(rng: random.Random, size: int = 2000) -> Source:
    """A made-up report of about ``size`` characters (synthetic: never stored)."""
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        template = rng.choice(TEMPLATES)
        parts.append(template.format(province=rng.choice(PROVINCES), day=rng.randint(1, 28)))
    text = " ".join(parts)
    return Source(
        id=f"synthetic-{rng.random()}",
        title="Synthetic benchmark report",
        content_hash=content_hash(text),
        publisher=SYNTHETIC_PUBLISHER,
        published=date(2022, 9, 30),
        language="en",
        text=text,
    )


def measure(label: str, documents: list[Source]) -> None:
    gazetteer = load_gazetteer()
    started = time.perf_counter()
    incidents = sum(len(extract_incidents(doc, gazetteer).incidents) for doc in documents)
    elapsed = time.perf_counter() - started
    size = sum(len(d.text or "") for d in documents) / len(documents)
    print(
        f"{label}: {len(documents)} documents of {size:,.0f} characters in {elapsed:.2f} s = "
        f"{len(documents) / elapsed:,.0f} documents/s ({incidents} incidents)"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    started = time.perf_counter()
    load_gazetteer()
    print(f"gazetteer loaded in {time.perf_counter() - started:.2f} s")
    sample = read_source(SAMPLE_DIR / "csto-border-incident-2021-07-03.txt")[0].source
    measure("founding article", [sample] * n)
    rng = random.Random(2021)
    measure("synthetic reports", [synthetic_report(rng) for _ in range(n)])


if __name__ == "__main__":
    main()
