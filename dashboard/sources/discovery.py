"""Finding report files under folders, and the rules for what is passed over.

Folders are walked depth-first in sorted order, without recursion (deep trees)
and without entering a folder twice (symlink loops). Hidden files and folders
and ``*.meta.json`` files are passed over silently. Everything else passed
over comes to the caller as a :class:`SkippedPath`, a notice rather than a
failure: a symlink leading out of the given folder (unless ``follow_symlinks``)
or a report whose metadata file does, a broken symlink, a non-report file, a
README, anything that is neither file nor folder. The symlink rule keeps a
folder of reports from reading files it was never given.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from dashboard.sources.errors import SourceError
from dashboard.sources.formats import REPORT_SUFFIXES
from dashboard.sources.metadata import META_SUFFIX, meta_path_for

# Folder documentation that sits among reports (samples/reports/README.md) but is not one.
FOLDER_DOCS = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG"})


class SkippedPath(SourceError):  # noqa: N818 - a notice delivered like an error, not a failure
    """A path that discovery passed over (a symlink leaving the folder, a non-report file)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, f"skipped: {reason}")
        self.reason = reason


def discover(
    paths: Sequence[Path],
    follow_symlinks: bool = False,
    on_skip: Callable[[SkippedPath], None] | None = None,
) -> Iterator[Path]:
    """Report files under ``paths``, recursively, in sorted order, each once.

    Folders are walked depth-first with entries sorted by name. Hidden files
    and folders and ``*.meta.json`` files are passed over silently. Passed to
    ``on_skip``, so the caller can warn: symlinks leading out of the given
    folder and reports whose metadata file does (unless ``follow_symlinks``),
    broken symlinks, non-report files, READMEs, and anything that is neither
    file nor folder. A file named in ``paths`` is always yielded, whatever its
    name: the caller asked for it. A path given but missing goes to ``on_skip``.
    Each real file is yielded once: the first path that reaches it wins.
    """
    report = on_skip or (lambda skipped: None)
    yielded: set[Path] = set()
    for given in map(Path, paths):
        if given.is_dir():
            found: Iterator[Path] = _walk(given, follow_symlinks, report)
        elif given.is_file():
            found = iter([given])
        else:
            report(SkippedPath(given, _missing_reason(given)))
            continue
        for path in found:
            real = path.resolve()
            if real not in yielded:
                yielded.add(real)
                yield path


def _missing_reason(given: Path) -> str:
    if given.exists():
        return "not a regular file or folder"
    return "broken symlink" if given.is_symlink() else "no such file or folder"


def _walk(
    root: Path, follow_symlinks: bool, report: Callable[[SkippedPath], None]
) -> Iterator[Path]:
    """Depth-first, sorted, without recursion (deep trees) and without entering a folder twice."""
    real_root = root.resolve()
    visited = {_folder_key(root)}
    stack = [_entries(root, report)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        kind = _classify(entry, real_root, follow_symlinks, report)
        path = Path(entry.path)
        if kind == "folder":
            key = _folder_key(path, report)
            # A folder reached again through a symlink (a loop, or a second way in) is walked once.
            if key is not None and key not in visited:
                visited.add(key)
                stack.append(_entries(path, report))
        elif kind == "file" and _is_report(path, real_root, follow_symlinks, report):
            yield path


def _entries(folder: Path, report: Callable[[SkippedPath], None]) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as scan:
            return iter(sorted(scan, key=lambda entry: entry.name))
    except OSError as exc:
        report(SkippedPath(folder, f"cannot be listed: {exc.strerror}"))
        return iter(())


def _folder_key(
    folder: Path, report: Callable[[SkippedPath], None] | None = None
) -> tuple[int, int] | None:
    """(device, inode): the same folder by any path."""
    try:
        info = folder.stat()
    except OSError as exc:
        if report is not None:
            report(SkippedPath(folder, f"cannot be read: {exc.strerror}"))
        return None
    return info.st_dev, info.st_ino


def _classify(
    entry: os.DirEntry[str],
    real_root: Path,
    follow_symlinks: bool,
    report: Callable[[SkippedPath], None],
) -> str | None:
    """'folder', 'file' or None (skipped; reported unless hidden or a metadata file)."""
    if entry.name.startswith(".") or entry.name.lower().endswith(META_SUFFIX):
        return None
    path = Path(entry.path)
    try:
        problem = _symlink_problem(entry, real_root, follow_symlinks)
        if problem is None and entry.is_dir():
            return "folder"
        if problem is None and entry.is_file():
            return "file"
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, before Python 3.13
        problem = f"cannot be followed: {exc}"
    report(SkippedPath(path, problem or "not a regular file or folder"))
    return None


def _symlink_problem(entry: os.DirEntry[str], real_root: Path, follow: bool) -> str | None:
    """Why a symlink is not to be followed (broken, or leading out of the folder), if it is not."""
    if not entry.is_symlink():
        return None
    target = Path(entry.path).resolve()
    if not target.exists():
        return "broken symlink"
    if not follow and not target.is_relative_to(real_root):
        return f"symlink leads out of {real_root} (to {target})"
    return None


def _is_report(
    path: Path, real_root: Path, follow_symlinks: bool, report: Callable[[SkippedPath], None]
) -> bool:
    """Report files by extension, READMEs excepted; the rest are noted as skipped."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        report(SkippedPath(path, f"not a report file ({path.suffix or 'no extension'})"))
        return False
    if path.stem.upper() in FOLDER_DOCS:
        report(SkippedPath(path, "folder documentation, not a report"))
        return False
    if not follow_symlinks and _sidecar_escapes(path, real_root):
        name = meta_path_for(path).name
        report(
            SkippedPath(path, f"its metadata file {name} is a symlink leading out of {real_root}")
        )
        return False
    return True


def _sidecar_escapes(path: Path, real_root: Path) -> bool:
    """True if the metadata file beside ``path`` is a symlink out of the folder (or a loop)."""
    sidecar = meta_path_for(path)
    if not sidecar.is_symlink():
        return False
    try:
        return not sidecar.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):
        return True
