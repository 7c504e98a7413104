"""Place names → places: provinces, border segments, settlements and landmarks of a border.

Owns the names: text folding and inflected forms (:mod:`~dashboard.gazetteer.text`),
the place and alias records and their CSV files (:mod:`~dashboard.gazetteer.data`),
finding names in text (:mod:`~dashboard.gazetteer.lookup`), building a border's name
files from its layers, GeoNames and curated lists (:mod:`~dashboard.gazetteer.build`)
and a user's extra names (:mod:`~dashboard.gazetteer.extra`).

Public names: :func:`load_gazetteer`, :class:`Gazetteer`, :class:`PlaceMatch`,
:class:`GazetteerWarning`.
"""

from dashboard.gazetteer.lookup import Gazetteer, GazetteerWarning, PlaceMatch, load_gazetteer

__all__ = ["Gazetteer", "GazetteerWarning", "PlaceMatch", "load_gazetteer"]
