"""Structured data in: ACLED, UCDP GED, monitors' CSV tables and GeoJSON points.

The flow of :func:`import_file`:

1. :mod:`.files` reads rows with their line numbers (and writes rejects);
2. a format (:mod:`.acled`, :mod:`.ucdp`, :mod:`.tabular`) maps a row to
   borderwatch's fields (cell parsers shared by all three in :mod:`.fields`),
   which :mod:`.records` validates;
3. :mod:`.placing` re-geocodes the points with borderwatch's own layers and
   compares them with the file's own place names;
4. :mod:`.chunks` builds each chunk's incidents and writes them in one
   transaction through :meth:`dashboard.store.Store.save_incidents_bulk`;
5. :mod:`.runner` ties it together, in one process or, for big files, in
   several that share the chunks (:mod:`.workers`).
"""

from dashboard.importers.records import ImportFileError, RowError
from dashboard.importers.runner import FORMATS, ImportReport, import_file, parse_mapping

__all__ = ["FORMATS", "ImportFileError", "ImportReport", "RowError", "import_file", "parse_mapping"]
