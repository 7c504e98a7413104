"""A new place from a user's extra CSV: placed by the geocoder, or by its province.

Kept apart from :mod:`dashboard.gazetteer` because it needs the border's
geometry (a :class:`~dashboard.geo.geocode.Geocoder`), which loading the
gazetteer otherwise never touches.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dashboard.gazetteer.data import ExtraRow, Place
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border


@lru_cache(maxsize=4)
def _geocoder(border_id: str, root: Path) -> Geocoder:
    return Geocoder(load_border(border_id, root))


def place_for(row: ExtraRow, border_id: str, root: Path, known: dict[str, Place]) -> Place:
    """The place a row defines; ``ValueError`` says what is missing.

    With coordinates, the province, nearest segment and distance are the
    geocoder's; a point outside both countries is outside the coverage and
    gets none of them. With only a ``province_code``, the place is placed
    by province: no point, and the province's segments.
    """
    if not row.name:
        raise ValueError(
            f"place {row.place_id!r} is not in the gazetteer; a new place needs a name "
            "and lat/lon or a province_code"
        )
    kind = row.kind or "landmark"
    if row.lat is not None and row.lon is not None:
        answer = _geocoder(border_id, root).geocode_point(row.lat, row.lon)
        inside = answer["country"] is not None and kind != "outside"
        return Place(
            id=row.place_id,
            kind=kind if inside else "outside",
            name=row.name,
            country=answer["country"],
            province_code=answer["province_code"] if inside else None,
            lat=row.lat,
            lon=row.lon,
            segment_ids=(answer["segment_id"],) if inside else (),
            distance_km=answer["distance_km"] if inside else None,
            in_coverage=inside,
        )
    province = known.get(f"province:{row.province_code}") if row.province_code else None
    if province is None:
        where = f"province_code {row.province_code!r} is unknown" if row.province_code else ""
        raise ValueError(
            f"place {row.place_id!r} needs lat/lon or a known province_code {where}".strip()
        )
    return Place(
        id=row.place_id,
        kind=kind,
        name=row.name,
        country=province.country,
        province_code=province.province_code,
        lat=None,
        lon=None,
        segment_ids=province.segment_ids,
        distance_km=None,
        in_coverage=True,
    )
