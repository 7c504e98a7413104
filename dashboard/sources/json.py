"""JSON reports: one object or a list of them, each carrying its own metadata and text.

A list is read item by item, so one bad item is an error naming ``item [i]``
while the others still come through; no metadata file applies.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from dashboard.sources.decoding import normalise_text
from dashboard.sources.document import Request, SourceDocument, build_document
from dashboard.sources.errors import SourceError
from dashboard.sources.metadata import json_type, parse_meta


def read_json(request: Request, text: str) -> list[SourceDocument | SourceError]:
    """A .json file: one object or a list of objects, each with its own metadata and text."""
    path = request.path
    if request.meta_path is not None:
        raise SourceError(path, "a JSON source carries its own metadata; no metadata file applies")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            path, f"not JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise SourceError(path, "JSON nested too deeply") from exc
    if isinstance(raw, dict):
        return [_json_item(path, raw, None, request.today)]
    if not isinstance(raw, list):
        raise SourceError(path, f"expected a report object or a list of them, got {json_type(raw)}")
    if not raw:
        raise SourceError(path, "is an empty list: no reports in it")
    return [_json_item(path, entry, index, request.today) for index, entry in enumerate(raw)]


def _json_item(
    path: Path, entry: object, item: int | None, today: date
) -> SourceDocument | SourceError:
    """One JSON report object → a document, or the error that names it."""
    if not isinstance(entry, dict):
        return SourceError(path, f"expected a report object, got {json_type(entry)}", item=item)
    body = entry.get("text")
    if not isinstance(body, str):
        got = 'no "text"' if body is None else f'"text" is {json_type(body)}'
        return SourceError(path, f'a report needs a "text" string; {got}', item=item)
    try:
        meta = parse_meta(entry, today)
        return build_document(path, normalise_text(body), meta, today=today, item=item)
    except SourceError as exc:
        return exc
    except ValueError as exc:
        return SourceError(path, str(exc), item=item)
