"""The incidents for other tools: ``borderwatch api``, an OGC API – Features service.

Read-only and without sign-in, beside the dashboard, on the same store. The
protocol is pygeoapi's (a reference implementation of OGC API – Features
Part 1, Core, with GeoJSON and OpenAPI 3.0), chosen because it is well kept
and certified, and because its dependencies sit beside borderwatch's
(SQLAlchemy 2, shapely 2, pydantic 2) without moving any of them; nothing of
the protocol is written here. What borderwatch adds is what the features are:

- :mod:`.params`: a request's values read into the dashboard's filter (its
  link parameters are the queryables), or refused with the reason;
- :mod:`.service`: pages of the dashboard's incidents as the export's GeoJSON
  features, with a link to each incident in the dashboard;
- :mod:`.provider`: the pygeoapi feature provider over the service;
- :mod:`.config`: pygeoapi's configuration (collections ``incidents``,
  ``provinces``, ``segments``; page size cap);
- :mod:`.server`: the application, kept read-only and behind CORS, on uvicorn.
"""
