"""How long ``borderwatch --help`` takes, over a bare interpreter start.

Run: ``python bench/cli_bench.py [RUNS]``. Prints figures; it asserts
nothing, because timings belong in a report, not in a test. The goal
(issue 9) is that the top-level help and every subcommand's help cost at
most 0.3 s more than ``python -c pass``: help must not wait for numpy,
geopandas or SQLAlchemy, which only the commands themselves need.

Each figure is the median wall time of RUNS (default 7) fresh processes,
so one slow start on a busy machine does not decide it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

GOAL_SECONDS = 0.3


def borderwatch() -> list[str]:
    """The installed console script next to this interpreter, else the same entry point."""
    script = Path(sys.executable).with_name("borderwatch")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from dashboard.cli import main; sys.exit(main())"]


def help_commands() -> Iterator[list[str]]:
    """``[]`` for the top level, then the path of every group and command, depth first."""
    from dashboard.cli import main  # noqa: PLC0415 (listing the commands is not timed)

    def walk(command: click.Command, path: list[str]) -> Iterator[list[str]]:
        yield path
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                yield from walk(command.commands[name], [*path, name])

    yield from walk(main, [])


def median_seconds(command: list[str], runs: int) -> float:
    """Median wall time of ``runs`` fresh processes (one warm-up run first, not counted)."""
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    bare = median_seconds([sys.executable, "-c", "pass"], runs)
    print(f"python -c pass: {bare * 1000:.0f} ms (median of {runs})")
    print(f"{'command':<40} {'total':>8} {'over bare':>10}")
    script = borderwatch()
    worst_name, worst = "", 0.0
    for path in help_commands():
        name = " ".join(["borderwatch", *path, "--help"])
        seconds = median_seconds([*script, *path, "--help"], runs)
        overhead = seconds - bare
        print(f"{name:<40} {seconds * 1000:>6.0f} ms {overhead * 1000:>7.0f} ms")
        if overhead > worst:
            worst_name, worst = name, overhead
    verdict = "holds" if worst <= GOAL_SECONDS else "is missed"
    print(
        f"worst: {worst_name}, {worst * 1000:.0f} ms over bare; "
        f"the {GOAL_SECONDS * 1000:.0f} ms goal {verdict}"
    )


if __name__ == "__main__":
    main()
