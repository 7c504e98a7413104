"""The one error type of the readers: a message that names the file, then the item or line.

Every module of the package raises it (or returns it, in the lenient readers), so
it lives apart from all of them.
"""

from __future__ import annotations

from pathlib import Path


class SourceError(ValueError):
    """A file (or one item of a JSON list) that cannot be read; the message names it."""

    def __init__(
        self, path: Path, problem: str, *, item: int | None = None, line: int | None = None
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.item = item
        self.line = line
        where = [str(self.path)]
        if item is not None:
            where.append(f"item [{item}]")
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{': '.join(where)}: {problem}")
