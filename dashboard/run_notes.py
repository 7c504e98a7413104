"""What a run over many reports has to tell besides its counts: its warnings and errors.

Shared by ingest (:mod:`dashboard.pipeline`) and re-extraction
(:mod:`dashboard.reextract`), which ingest calls to re-read the undated pages
its new incidents can date.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RunNotes:
    """Warnings (the run went on) and errors (a report failed) of one run."""

    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No report failed (warnings do not count)."""
        return not self.errors
