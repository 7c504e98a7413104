"""The pygeoapi feature provider of the ``incidents`` collection: requests to the service and back.

pygeoapi parses and checks the standard's parameters (``limit``, ``offset``,
``bbox``, paging links, formats) and makes a provider per request; this one
hands the values to the process's :class:`~dashboard.api.service.IncidentService`
(registered under the collection's ``data`` name by :func:`register`) and
turns its refusals into the standard's answers: a bad value is a 400, an
unknown id a 404. It has no ``create``, ``update`` or ``delete``: pygeoapi's
defaults refuse them, and the collection is not declared editable.
"""

from __future__ import annotations

from typing import Any

from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)

from dashboard.api import params
from dashboard.api.service import IncidentService, selection

_SERVICES: dict[str, IncidentService] = {}


def register(name: str, service: IncidentService) -> None:
    """Serve ``service`` to the collections whose provider ``data`` is ``name``."""
    _SERVICES[name] = service


class IncidentProvider(BaseProvider):
    """Borderwatch's incidents, through the project's own query layer."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        self.service = _SERVICES[provider_def["data"]]
        self._fields = self.get_fields()

    def get_fields(self) -> dict[str, dict[str, Any]]:
        """The queryables: the dashboard's link parameters (``q`` and dates are the standard's)."""
        return dict(params.QUERYABLES)

    def query(  # noqa: PLR0917 - pygeoapi's provider signature
        self,
        offset: int = 0,
        limit: int = 10,
        resulttype: str = "results",
        bbox: list[float] | None = None,
        datetime_: str | None = None,
        properties: list[tuple[str, str]] | None = None,
        sortby: list[dict[str, str]] | None = None,
        select_properties: list[str] | None = None,
        skip_geometry: bool = False,
        q: str | None = None,
        filterq: Any = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A page of features (or only the count, for ``resulttype=hits``)."""
        if sortby:
            raise ProviderInvalidQueryError(
                user_msg="sortby: incidents come in date order only (oldest window first)"
            )
        if filterq is not None:
            raise ProviderInvalidQueryError(
                user_msg="filter: CQL filters are not supported; use the queryables"
            )
        try:
            chosen = selection(properties or [], q, datetime_, bbox or [])
            if resulttype == "hits":
                matched = self.service.count(chosen)
                return {"type": "FeatureCollection", "features": [], "numberMatched": matched}
            collection = self.service.page(chosen, offset, limit)
        except ValueError as exc:
            raise ProviderInvalidQueryError(user_msg=str(exc)) from None
        if skip_geometry:
            for feature in collection["features"]:
                feature["geometry"] = None
        if select_properties:
            for feature in collection["features"]:
                kept = feature["properties"]
                feature["properties"] = {k: kept[k] for k in select_properties if k in kept}
        return collection

    def get(self, identifier: str, **kwargs: Any) -> dict[str, Any]:
        """One incident by id; 404 if this border has none such."""
        feature = self.service.feature(str(identifier))
        if feature is None:
            raise ProviderItemNotFoundError(user_msg=f"no incident {identifier!r} on this border")
        return feature

    def __repr__(self) -> str:
        return f"<IncidentProvider> {self.data}"
