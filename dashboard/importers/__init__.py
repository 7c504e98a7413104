"""Structured data in: ACLED, UCDP GED, monitors' CSV tables and GeoJSON points.

The flow of :func:`import_file`:

1. :mod:`.files` reads rows with their line numbers (CSV, an API's JSON,
   GeoJSON) and writes rejects; :mod:`.dates` reads every date of the file
   first, so one day/month order holds for all its rows;
2. a format (:mod:`.acled`, :mod:`.ucdp`, :mod:`.tabular`) maps a row to
   borderwatch's fields and keeps the dataset's other columns (cell parsers
   shared by all three in :mod:`.fields`), which :mod:`.records` validates;
   ACLED's deletions list goes to :mod:`.deletions` instead;
3. :mod:`.naming` places a row without coordinates by its own place names
   (the gazetteer); :mod:`.placing` re-geocodes the points with
   borderwatch's own layers and compares them with the file's own names;
4. :mod:`.chunks` builds each chunk's incidents and writes them in one
   transaction through :meth:`dashboard.store.Store.save_incidents_bulk`
   (which revises stored records a newer release changed,
   :mod:`dashboard.store.living`, and fuses new records with the text
   reports of the same event, :mod:`dashboard.store.fusion`);
5. :mod:`.runner` ties it together, in one process or, for big files, in
   several that share the chunks (:mod:`.workers`).
"""

from dashboard.importers.records import ImportFileError, RowError
from dashboard.importers.runner import FORMATS, ImportReport, import_file, parse_mapping

__all__ = ["FORMATS", "ImportFileError", "ImportReport", "RowError", "import_file", "parse_mapping"]
