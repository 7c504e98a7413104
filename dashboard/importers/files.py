"""Import files: rows with their line numbers in, rejected rows out beside the input.

CSV is read as UTF-8 (a BOM is fine) with the ``csv`` module, so quoted
fields may hold commas and line breaks; the delimiter (``,``, ``;`` or tab)
is the one that splits the header line into the most columns. Headers are
matched case-insensitively and renamed by the ``--map`` mapping before a
format sees them. A row's number is the line it starts on (the header is
line 1). GeoJSON is a FeatureCollection read whole; its rows are numbered by
feature (the first is feature 1) and a point geometry supplies ``lat`` and
``lon``. JSON (an API's answer: ACLED's, UCDP's) is a list of records read
whole, numbered by record, each value as its CSV cell would be.

Rejected rows go to ``FILE.rejects.csv`` (``_line``, ``_reason``, then the
row exactly as read), ``FILE.rejects.geojson`` (each feature as read, with
``_feature`` and ``_reason`` properties) or ``FILE.rejects.json`` (each
record with ``_record`` and ``_reason``): fix them there and import that
file, which the formats read like the original. A rejects file left by an
earlier run is removed when the new run starts. ``--rejects PATH`` puts them
elsewhere (:func:`choose_rejects_path`); when the input's folder cannot be
written (a read-only share, a mounted archive) they go to the store's
folder instead, and the run's summary says so.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from dashboard.importers.records import ImportFileError
from dashboard.sources.csv_rows import numbered_rows

_DELIMITERS = (",", ";", "\t")


class RawRow(NamedTuple):
    """One row as read: its number, its values by field name, and its original form."""

    number: int
    values: dict[str, Any]
    original: Any
    problem: str | None = None


class Table(Protocol):
    """Rows of an import file, with how far through the file reading has got."""

    path: Path
    unit: str
    columns: frozenset[str]
    """Field names of the columns present (after renaming)."""
    spelling: dict[str, str]
    """A column's lower-case name → as the file writes it (for messages)."""
    size: int

    def position(self) -> int: ...

    def chunks(
        self, size: int, keep: Callable[[int], bool] | None = None
    ) -> Iterator[list[RawRow]]:
        """Rows in chunks of ``size``; only chunks whose index ``keep`` accepts, if given."""
        ...

    def __iter__(self) -> Iterator[RawRow]: ...

    def distinct(self, columns: Collection[str]) -> set[str]:
        """Every distinct value of these columns (field names) in the whole file, as text.

        The pre-pass that lets a file's dates be read one way for all its rows.
        """
        ...

    def close(self) -> None: ...


class _Rows:
    """Chunking shared by the tables: ``_scan`` finds rows cheaply, ``_row`` builds one."""

    def _scan(self) -> Iterator[tuple[int, Any]]:
        raise NotImplementedError

    def _row(self, number: int, raw: Any) -> RawRow:
        raise NotImplementedError

    def __iter__(self) -> Iterator[RawRow]:
        for number, raw in self._scan():
            yield self._row(number, raw)

    def chunks(
        self, size: int, keep: Callable[[int], bool] | None = None
    ) -> Iterator[list[RawRow]]:
        """Rows in chunks of ``size``; with ``keep``, only the chunks whose index it accepts.

        Rows of chunks left out are only scanned (not split into fields), so
        several workers can share a file by chunk index cheaply.
        """
        batch: list[RawRow] = []
        index = 0
        kept = keep is None or keep(0)
        for count, (number, raw) in enumerate(self._scan()):
            if count and count % size == 0:
                if batch:
                    yield batch
                    batch = []
                index += 1
                kept = keep is None or keep(index)
            if kept:
                batch.append(self._row(number, raw))
        if batch:
            yield batch


def normalise_rename(mapping: Mapping[str, str]) -> dict[str, str]:
    """``{FIELD: COLUMN}`` as given to ``--map`` → ``{column (lower case): field}``."""
    return {column.strip().lower(): field.strip() for field, column in mapping.items()}


def _field_names(header: list[str], rename: Mapping[str, str]) -> list[str | None]:
    """Each column's field name; ``None`` for a column shadowed by a mapped one."""
    targets = set(rename.values())
    names: list[str | None] = []
    for column in header:
        key = column.strip().lower()
        if key in rename:
            names.append(rename[key])
        else:
            names.append(None if key in targets else key)
    return names


class CsvTable(_Rows):
    """A CSV file's rows; open with :func:`open_table`."""

    unit = "line"

    def __init__(self, path: Path, rename: Mapping[str, str]) -> None:
        self.path = path
        self.size = path.stat().st_size
        self._raw = path.open("rb")
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", newline="")
        try:
            first = self._text.readline()
        except UnicodeDecodeError as exc:
            self.close()
            raise _not_utf8(path, exc) from None
        if not first.strip():
            self.close()
            raise ImportFileError(f"{path}: empty file (no header line)")
        delimiter = max(_DELIMITERS, key=lambda d: len(next(csv.reader([first], delimiter=d))))
        self._delimiter = delimiter
        self._reader = csv.reader(_chain(first, self._text), delimiter=delimiter)
        self.header = next(self._reader)
        self._fields = _field_names(self.header, rename)
        self.columns = frozenset(f for f in self._fields if f is not None)
        self.spelling = {c.strip().lower(): c.strip() for c in self.header}

    def position(self) -> int:
        return self._raw.tell() if not self._raw.closed else self.size

    def distinct(self, columns: Collection[str]) -> set[str]:
        """Distinct values of ``columns``, read with a second handle (reading stays put)."""
        indices = [n for n, name in enumerate(self._fields) if name in columns]
        found: set[str] = set()
        if not indices:
            return found
        quick = self._distinct_by_pandas(indices)
        if quick is not None:
            return quick
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=self._delimiter)
            next(reader, None)
            last = max(indices)
            try:
                if len(indices) == 1:
                    found.update(row[last] for row in reader if len(row) > last)
                else:
                    for row in reader:
                        if len(row) > last:
                            found.update(row[i] for i in indices)
            except (UnicodeDecodeError, csv.Error):
                pass  # the import itself reports the line
        return found

    def _distinct_by_pandas(self, indices: list[int]) -> set[str] | None:
        """The same values by pandas' C reader, four times faster on a big file (the pass runs
        before any worker starts); ``None`` when it cannot read the file as the import will
        (a row with more fields than the header, not UTF-8): the csv module decides then."""
        import pandas as pd  # noqa: PLC0415 - big files only; pandas is loaded by then anyway

        try:
            frame = pd.read_csv(
                self.path, sep=self._delimiter, usecols=indices, dtype=str, na_filter=False,
                encoding="utf-8-sig", engine="c",
            )  # fmt: skip
        except (ValueError, UnicodeDecodeError, csv.Error):  # pandas' ParserError is a ValueError
            return None
        values = (v for column in frame.columns for v in frame[column].unique())
        return {v for v in values if isinstance(v, str)}  # a short row's missing cells: NaN

    def _scan(self) -> Iterator[tuple[int, list[str]]]:
        """(line the row starts on, its cells), blank lines left out."""
        reader = self._reader
        try:
            yield from numbered_rows(reader, len(self._fields))
        except UnicodeDecodeError as exc:
            raise _not_utf8(self.path, exc) from None
        except csv.Error as exc:
            raise ImportFileError(f"{self.path}: line {reader.line_num}: {exc}") from None

    def _row(self, number: int, raw: list[str]) -> RawRow:
        fields = self._fields
        values = dict(zip(fields, raw, strict=False))
        values.pop(None, None)  # columns shadowed by a mapped one
        problem = None
        if len(raw) != len(fields):
            problem = f"has {len(raw)} fields but the header has {len(fields)}"
        return RawRow(number, values, raw, problem)

    def close(self) -> None:
        self._text.close()


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> ImportFileError:
    """The error for a file that is not UTF-8, naming its first undecodable line."""
    number = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):  # noqa: B007 - used after the loop
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                break
    return ImportFileError(
        f"{path}: line {number}: not UTF-8 text ({exc.reason}); save the file as UTF-8"
    )


def _chain(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


def _read_json(path: Path) -> object:
    """A JSON file's content, or an :class:`ImportFileError` saying why it is none."""
    try:
        return json.loads(path.read_text("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{path}: not JSON: {exc}") from None


class GeoJsonTable(_Rows):
    """A GeoJSON FeatureCollection's features as rows; open with :func:`open_table`."""

    unit = "feature"

    def __init__(self, path: Path, rename: Mapping[str, str]) -> None:
        self.path = path
        self.size = path.stat().st_size
        data = _read_json(path)
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise ImportFileError(f"{path}: not a GeoJSON FeatureCollection")
        features = data.get("features")
        if not isinstance(features, list):
            raise ImportFileError(f"{path}: the FeatureCollection has no features list")
        self._features = features
        self._rename = rename
        self._done = 0
        keys = {
            str(k)
            for f in features
            if isinstance(f, dict) and isinstance(f.get("properties"), dict)
            for k in f["properties"]
        }
        names = {n for n in _field_names(sorted(keys), rename) if n is not None}
        self.columns = frozenset(names | {"lat", "lon"})
        self.spelling = {k.strip().lower(): k for k in sorted(keys)}

    def position(self) -> int:
        return self.size * self._done // max(len(self._features), 1)

    def distinct(self, columns: Collection[str]) -> set[str]:
        found: set[str] = set()
        for number, feature in enumerate(self._features, start=1):
            values = self._row(number, feature).values
            found.update(str(values[c]) for c in columns if values.get(c) is not None)
        return found

    def _scan(self) -> Iterator[tuple[int, Any]]:
        for number, feature in enumerate(self._features, start=1):
            self._done = number
            yield number, feature

    def _row(self, number: int, feature: Any) -> RawRow:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            return RawRow(number, {}, feature, "not a GeoJSON Feature")
        properties = feature.get("properties") or {}
        keys = [str(k) for k in properties]
        values = {
            name: value
            for name, value in zip(
                _field_names(keys, self._rename), properties.values(), strict=True
            )
            if name is not None
        }
        problem = _point_into(feature.get("geometry"), values)
        return RawRow(number, values, feature, problem)

    def close(self) -> None:
        self._features = []


class JsonTable(_Rows):
    """Records of an API's JSON answer saved to a file; open with :func:`open_table`.

    ACLED's API wraps its records in ``{"data": [...]}``, UCDP's in
    ``{"Result": [...]}``; a bare list of objects is read too. Values become
    text as a CSV would hold them (``null`` is blank, a list is ``;``-joined),
    so a format reads the API's JSON and its CSV alike. Records are numbered
    from 1.
    """

    unit = "record"

    def __init__(self, path: Path, rename: Mapping[str, str]) -> None:
        self.path = path
        self.size = path.stat().st_size
        data = _read_json(path)
        records = _records_of(data)
        if records is None:
            raise ImportFileError(
                f"{path}: no records: expected a list of objects, or one under "
                f'"data" (ACLED\'s API) or "Result" (UCDP\'s API)'
            )
        self._records = records
        self._done = 0
        keys = sorted({str(k) for r in records if isinstance(r, dict) for k in r})
        self._rename = rename
        self.columns = frozenset(n for n in _field_names(keys, rename) if n is not None)
        self.spelling = {k.strip().lower(): k for k in keys}

    def position(self) -> int:
        return self.size * self._done // max(len(self._records), 1)

    def distinct(self, columns: Collection[str]) -> set[str]:
        found: set[str] = set()
        for number, record in enumerate(self._records, start=1):
            values = self._row(number, record).values
            found.update(values[c] for c in columns if values.get(c))
        return found

    def _scan(self) -> Iterator[tuple[int, Any]]:
        for number, record in enumerate(self._records, start=1):
            self._done = number
            yield number, record

    def _row(self, number: int, record: Any) -> RawRow:
        if not isinstance(record, dict):
            return RawRow(number, {}, record, "not a JSON object")
        keys = [str(k) for k in record]
        values = {
            name: _as_text(value)
            for name, value in zip(_field_names(keys, self._rename), record.values(), strict=True)
            if name is not None
        }
        return RawRow(number, values, record)

    def close(self) -> None:
        self._records = []


def _records_of(data: Any) -> list[Any] | None:
    """The records of an API answer: a list, or the list under ``data`` or ``Result``."""
    if isinstance(data, dict):
        data = next((data[k] for k in ("data", "Result", "result") if k in data), None)
    return data if isinstance(data, list) else None


def _as_text(value: Any) -> str:
    """A JSON value as a CSV cell holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return "; ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _point_into(geometry: Any, values: dict[str, Any]) -> str | None:
    """Put a Point's coordinates into ``values``; the problem with any other geometry."""
    if geometry is None:
        return None  # lat/lon may still come from the properties
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return f"geometry is a {kind}; only points are imported"
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return "the point geometry has no coordinates"
    values["lon"], values["lat"] = coordinates[0], coordinates[1]
    return None


def open_table(path: Path, kind: str, rename: Mapping[str, str]) -> Table:
    """Open ``path`` as ``"csv"``, ``"json"`` or ``"geojson"``; :class:`ImportFileError` if
    unreadable."""
    try:
        if kind == "geojson":
            return GeoJsonTable(path, rename)
        if kind == "json":
            return JsonTable(path, rename)
        return CsvTable(path, rename)
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read: {exc.strerror or exc}") from None


# --------------------------------------------------------------------- rejects


def rejects_path(path: Path, kind: str) -> Path:
    """Where the rejected rows of ``path`` go by default: beside it."""
    return path.with_name(f"{path.name}.rejects.{kind}")


def writable(folder: Path) -> bool:
    """Whether a file can be created in ``folder``, by trying (permission bits do not tell
    the whole story: a read-only mount, ACLs, root)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def choose_rejects_path(
    path: Path, kind: str, chosen: Path | None, fallback_folder: Path
) -> tuple[Path, str | None]:
    """Where rejects go, and a note when that is not where the user would look first.

    ``chosen`` (``--rejects``) is used as given, or :class:`ImportFileError`
    if its folder cannot be written (before anything is imported). Otherwise
    beside the input, or in ``fallback_folder`` (the store's) when the
    input's folder cannot be written.
    """
    if chosen is not None:
        if not chosen.parent.is_dir() or not writable(chosen.parent):
            raise ImportFileError(f"--rejects {chosen}: cannot write in {chosen.parent}")
        return chosen, None
    beside = rejects_path(path, kind)
    if writable(beside.parent):
        return beside, None
    moved = fallback_folder / beside.name
    if not writable(fallback_folder):
        raise ImportFileError(
            f"{path}: cannot write rejected rows beside it nor in {fallback_folder}; "
            f"name a file with --rejects PATH"
        )
    return moved, f"{beside.parent} is not writable: rejected rows go to {moved} instead"


class Rejects:
    """Collects rejected rows and writes them to ``path`` (only if there are any)."""

    def __init__(self, table: Table, kind: str, path: Path | None = None) -> None:
        self.path = path or rejects_path(table.path, kind)
        self.count = 0
        self._table = table
        self._kind = kind
        self._features: list[dict[str, Any]] = []
        self._file: io.TextIOWrapper | None = None
        self._writer: Any = None
        self.path.unlink(missing_ok=True)

    def add(self, row: RawRow, reason: str) -> None:
        self.count += 1
        if self._kind == "json":
            record = dict(row.original) if isinstance(row.original, dict) else {}
            self._features.append({"_record": row.number, "_reason": reason, **record})
            return
        if self._kind == "geojson":
            feature = dict(row.original) if isinstance(row.original, dict) else {}
            feature.setdefault("type", "Feature")
            feature.setdefault("geometry", None)
            properties = dict(feature.get("properties") or {})
            properties.update({"_feature": row.number, "_reason": reason})
            feature["properties"] = properties
            self._features.append(feature)
            return
        if self._writer is None:
            self._file = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(["_line", "_reason", *getattr(self._table, "header", [])])
        self._writer.writerow([row.number, reason, *row.original])

    def close(self) -> Path | None:
        """Finish the file; its path, or ``None`` when nothing was rejected."""
        if self._file is not None:
            self._file.close()
        if self._features and self._kind == "json":
            self.path.write_text(json.dumps(self._features, ensure_ascii=False, indent=1), "utf-8")
        elif self._features:
            collection = {"type": "FeatureCollection", "features": self._features}
            self.path.write_text(json.dumps(collection, ensure_ascii=False, indent=1), "utf-8")
        return self.path if self.count else None
