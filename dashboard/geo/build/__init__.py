"""Raw administrative boundary files → a border's committed layers (``borderwatch geodata build``).

Owns the build only: sharing the ground between two countries and their units
(:mod:`~dashboard.geo.build.territory`), tracing the border line
(:mod:`~dashboard.geo.build.borderline`), cutting it into named segments
(:mod:`~dashboard.geo.build.segments`) and the driver that reads a border's
``build.toml`` and writes its layers (:mod:`~dashboard.geo.build.builder`).

Public names: ``builder.build``, ``builder.GeodataBuildError``.
"""
