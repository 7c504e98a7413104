"""The incidents for other tools: ``borderwatch api``, an OGC API – Features service.

Read-only and without sign-in, beside the dashboard, on the same store. The
protocol is pygeoapi's (OGC API – Features Part 1, Core, with GeoJSON and
OpenAPI 3.0; an OSGeo project and an OGC reference implementation), chosen
because it is well kept and because it sits beside borderwatch's own
dependencies without moving any of them: ``pip install --dry-run pygeoapi``
(0.21) kept SQLAlchemy 2.1, shapely 2.2, pydantic 2.14 and the rest as they
were and only added Flask, rasterio, pygeofilter and a few small packages.
Its Starlette application runs on uvicorn, which Streamlit already brings.
Nothing of the protocol is written here. What borderwatch adds is what the
features are:

- :mod:`.params`: a request's values read into the dashboard's filter (its
  link parameters are the queryables), or refused with the reason;
- :mod:`.service`: pages of the dashboard's incidents as the export's GeoJSON
  features, with a link to each incident in the dashboard;
- :mod:`.provider`: the pygeoapi feature provider over the service;
- :mod:`.config`: pygeoapi's configuration (collections ``incidents``,
  ``provinces``, ``segments``; page size cap);
- :mod:`.server`: the application, kept read-only and behind CORS, on uvicorn.
"""
