"""Atomic writes shared by every output: temporary sibling, then ``os.replace``.

A file is first written under a hidden temporary name in the same folder (``os.replace`` is
atomic only within one file system) that carries the writer's process id:
``.<name>.<pid>-<random>.tmp<suffix>``. Only a complete file is moved to its final name, with the
permissions of any new file (``0o666 & ~umask``). A writer killed half-way leaves only such a
temporary file; the next write into the same folder removes the leftovers of processes that no
longer run, so they never pile up and are never mistaken for outputs.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

__all__ = ["STAGING_PREFIX", "publish", "remove_stale", "temp_path", "write_text", "writing"]

#: Prefix of the staging folder a review writes into before moving its outputs into place.
STAGING_PREFIX = ".ninhbinh-geo-staging-"

# Leftovers of a killed writer: temporary files, staging folders, replaced output folders.
_LEFTOVER = re.compile(
    r"^(?:\..+\.(?P<pid1>\d+)-[0-9a-f]{8,}\.tmp.*"
    r"|" + re.escape(STAGING_PREFIX) + r"(?P<pid2>\d+)-.+"
    r"|\..+\.old-(?P<pid3>\d+))$"
)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def temp_path(path: str | os.PathLike, suffix: str = "") -> Path:
    """Return a hidden temporary sibling of ``path`` that names this process.

    Parameters
    ----------
    path : path-like
        The final file name.
    suffix : str, optional
        Appended after ``.tmp`` (e.g. ``".gpkg"`` so GDAL recognises the driver).

    Returns
    -------
    Path
        ``<folder>/.<name>.<pid>-<random>.tmp<suffix>``.

    Examples
    --------
    >>> p = temp_path("/data/review.gpkg", ".gpkg")
    >>> p.name.startswith(f".review.gpkg.{os.getpid()}-") and p.name.endswith(".tmp.gpkg")
    True
    """
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp{suffix}")


def remove_stale(folder: str | os.PathLike) -> list[Path]:
    """Delete what killed writers left in ``folder``: temp files, staging and old folders.

    Only names of the forms this module and the review create are considered, and only those
    whose process id no longer runs.

    Parameters
    ----------
    folder : path-like
        The output folder.

    Returns
    -------
    list of Path
        What was removed.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / ".map.html.999999999-0123456789ab.tmp").write_text("half")
    >>> [p.name for p in remove_stale(d)]
    ['.map.html.999999999-0123456789ab.tmp']
    """
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        m = _LEFTOVER.match(entry.name)
        if not m:
            continue
        pid = int(m.group("pid1") or m.group("pid2") or m.group("pid3"))
        if _alive(pid):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
        removed.append(entry)
    return removed


def publish(tmp: str | os.PathLike, path: str | os.PathLike) -> Path:
    """Give ``tmp`` the permissions of a new file and move it to ``path`` atomically.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> t = temp_path(d / "a.txt"); _ = t.write_text("x")
    >>> publish(t, d / "a.txt").read_text()
    'x'
    """
    tmp, path = Path(tmp), Path(path)
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod((0o777 if tmp.is_dir() else 0o666) & ~umask)
    tmp.replace(path)
    return path


@contextlib.contextmanager
def writing(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Context manager: yield a temporary path, publish it to ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left as it was. Leftovers of
    killed writers in the same folder are removed first.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with writing(d / "b.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "b.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('done', ['b.txt'])
    """
    path = Path(path)
    remove_stale(path.parent)
    tmp = temp_path(path, suffix)
    try:
        yield tmp
        publish(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically.

    Examples
    --------
    >>> import tempfile
    >>> write_text(Path(tempfile.mkdtemp()) / "r.md", "# hi").read_text()
    '# hi'
    """
    with writing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
