"""Geometry at run time: a border's layers, and coordinates → country, province, segment.

Owns reading a border's built layers (:mod:`~dashboard.geo.layers`), geocoding points
against them (:mod:`~dashboard.geo.geocode`), reading points to geocode from CSV
(:mod:`~dashboard.geo.points`) and byte-stable GeoJSON (:mod:`~dashboard.geo.geojson_io`).
Making the layers from raw boundary files is :mod:`dashboard.geo.build`, which run time
never imports.

Public names, by module: ``layers.load_border``, ``layers.BorderLayers``,
``layers.GeodataError``, ``geocode.Geocoder``, ``geocode.GeocodeError``,
``points.read_points``.
"""
