"""Place names → places: provinces, border segments, settlements and landmarks of a border.

Owns the names: text folding and inflected forms (:mod:`~dashboard.gazetteer.text`),
the place and alias records and their CSV files (:mod:`~dashboard.gazetteer.data`),
finding names in text (:mod:`~dashboard.gazetteer.lookup`), building a border's name
files from its layers, GeoNames and curated lists (:mod:`~dashboard.gazetteer.build`)
and a user's extra names (:mod:`~dashboard.gazetteer.extra`).

Public names: :func:`load_gazetteer`, :class:`Gazetteer`, :class:`PlaceMatch`,
:class:`GazetteerWarning`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Gazetteer", "GazetteerWarning", "PlaceMatch", "load_gazetteer"]


def __getattr__(name: str) -> Any:
    """The public names, loaded on first use: importing ``gazetteer.text`` or ``.data``
    (extraction does) must not load the geometry stack that ``lookup`` brings."""
    if name in __all__:
        return getattr(import_module("dashboard.gazetteer.lookup"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
