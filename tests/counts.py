"""Figures the hard tests (concurrency, crash, fuzz) report, printed at the end of the run.

A test calls :func:`record`; ``conftest.py`` prints every recorded line in the
terminal summary, so the counts show in CI output without ``-s``.
"""

from __future__ import annotations

RECORDED: list[str] = []


def record(test: str, **figures: object) -> str:
    """Keep one line of figures for the summary (and print it for ``pytest -s``)."""
    line = f"{test}: " + ", ".join(f"{name}={value}" for name, value in figures.items())
    RECORDED.append(line)
    print(line)
    return line
