"""A name several places share is the one in a province the report names.

"Agdam" is a border village of Tovuz and a town of Karabakh; "the village of
Agdam in Tovuz district" means the village. The gazetteer ranks such places
without the text around them (:attr:`PlaceMatch.others` keeps those it did
not choose); here the report's own provinces decide: a match whose place
lies outside every province the report names, while one of its other
readings lies inside one, takes that reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from dashboard.extract.evidence import GazetteerLike, MatchLike

_PROVINCE = "province"


def prefer_named_provinces(
    matches: Sequence[MatchLike], gazetteer: GazetteerLike
) -> list[MatchLike]:
    """``matches`` with each shared name read in a province the report names, where one is."""
    named = {
        gazetteer.place(m.place_id).province_code
        for m in matches
        if gazetteer.place(m.place_id).kind == _PROVINCE
    }
    return [_reread(match, named, gazetteer) for match in matches]


def _reread(match: MatchLike, named: set[str | None], gazetteer: GazetteerLike) -> MatchLike:
    others: tuple[str, ...] = getattr(match, "others", ())
    if not others or gazetteer.place(match.place_id).province_code in named:
        return match
    for other in others:
        if gazetteer.place(other).province_code in named:
            rest = tuple(p for p in (match.place_id, *others) if p != other)
            return dataclasses.replace(match, place_id=other, others=rest)  # type: ignore[type-var]
    return match
