"""Report text → incidents, each tied to the sentences and words that placed it.

Owns the reading of a report's words, with no I/O: sentence boundaries
(:mod:`~dashboard.extract.sentences`), date mentions and their windows
(:mod:`~dashboard.extract.dates`), incident cues and casualty counts
(:mod:`~dashboard.extract.cues`), the document-level assembly into incidents
(:mod:`~dashboard.extract.incidents`), and marking the words that placed an incident
in its excerpt for display (:mod:`~dashboard.extract.highlight`). Place names come
from a gazetteer passed in (:mod:`dashboard.gazetteer`).

Public names: :func:`extract_incidents`, :class:`Extraction`, :class:`ExtractedIncident`.
"""

from dashboard.extract.incidents import ExtractedIncident, Extraction, extract_incidents

__all__ = ["ExtractedIncident", "Extraction", "extract_incidents"]
