"""The names of the file formats borderwatch imports and exports.

They live apart from the importers and the exporter, which load numpy,
pandas and geopandas, because the command line lists them in its help
(``borderwatch import --help``) and help must not wait for those libraries.
"""

from __future__ import annotations

# What `borderwatch import --format` reads (dashboard/importers/runner.py maps each).
IMPORT_FORMATS = ("acled", "ucdp", "csv", "geojson")

# What `borderwatch export` and the dashboard's download write (dashboard/export.py).
EXPORT_FORMATS = ("csv", "geojson", "gpkg")
