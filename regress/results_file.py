"""Checks of a results database's file before SQLite opens it.

SQLite does not notice every damage: a database cut by less than one page (a copy or a
download that stopped early) still passes `PRAGMA quick_check` when the lost bytes were
free space or index cells, and reads as runs without results. Measured on a real results
database of 6 pages (24,576 bytes, runs of 3 and 8 tests): minus its last byte, quick_check
says "ok" and only a query on the results index fails ("malformed"); cut to 24,000 bytes,
history showed both runs with 0 tests. Every SQLite file is a whole number of pages, and,
when no write-ahead log holds newer pages, exactly as many as its header says: both are
checked here, from the 100-byte header (https://www.sqlite.org/fileformat.html).
"""

from __future__ import annotations

from pathlib import Path

from isa_spec.errors import LpuError

MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100


class ResultsDBError(LpuError, RuntimeError):
    """The results database cannot be opened or used; the message names the file."""


def _wal_has_frames(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def check_file(path: Path) -> None:
    """Raise ResultsDBError naming `path` if it is not an intact SQLite file. A missing file
    passes (the caller decides whether it may be created)."""
    if not path.exists():
        return
    if not path.is_file():
        raise ResultsDBError(f"{path}: not a usable results database (not a regular file)")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(HEADER_BYTES)
    except OSError as exc:
        raise ResultsDBError(f"{path}: cannot read the results database: {exc.strerror or exc}") from None
    if size == 0:
        raise ResultsDBError(f"{path}: an empty file, not a results database (remove it, or give a path "
                             f"that does not exist to start a new database)")
    if not head.startswith(MAGIC):
        raise ResultsDBError(f"{path}: not a usable results database (not an SQLite file)")
    if len(head) < HEADER_BYTES:
        raise ResultsDBError(f"{path}: damaged results database: {size} bytes, shorter than its header "
                             f"(truncated?)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise ResultsDBError(f"{path}: damaged results database: bad page size {page_size} in its header")
    if size % page_size:
        raise ResultsDBError(f"{path}: damaged results database: {size} bytes is not a whole number of "
                             f"{page_size}-byte pages (truncated?)")
    pages = int.from_bytes(head[28:32], "big")
    # the header's page count is valid when its change counter matches "version-valid-for";
    # with frames in the write-ahead log, the file may legitimately lag behind it
    counted = head[24:28] == head[92:96] and pages > 0
    if counted and not _wal_has_frames(path) and pages * page_size != size:
        raise ResultsDBError(f"{path}: damaged results database: its header says {pages} pages "
                             f"({pages * page_size} bytes), the file has {size} bytes (truncated?)")
