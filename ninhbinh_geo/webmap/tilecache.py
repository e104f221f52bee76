r"""The embedded basemap kept on disk, so that it is drawn once per machine, not once per run.

The basemap's tiles (:func:`~ninhbinh_geo.webmap.tiles.render_basemap`) depend only on the data
the package ships, the code that draws them and the versions of the libraries that draw and
encode them; drawing them costs about 1 s of CPU per review. They are kept in one ZIP file per
zoom range, named by a key that hashes all of these (:func:`cache_key`): a change to any of them
gives a new key, so a stale file is never read; files of old keys are removed when a new one is
written.

Where: the folder named by the environment variable ``NINHBINH_GEO_CACHE_DIR`` (``off``, ``0``
or an empty value: no cache), else ``$XDG_CACHE_HOME/ninhbinh_geo`` (``~/.cache/ninhbinh_geo``;
``%LOCALAPPDATA%\ninhbinh_geo`` on Windows). The cache only saves time: a folder that cannot be
read or written, or a damaged file, is logged and the tiles are drawn as without it. Files are
written atomically (a temporary sibling moved into place), so two reviews running at once never
read half a file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tiles import BasemapTiles

__all__ = ["CACHE_ENV", "cache_dir", "cache_key", "load_tiles", "store_tiles"]

logger = logging.getLogger(__name__)

#: Environment variable naming the cache folder; ``off``, ``0`` or empty turn the cache off.
CACHE_ENV = "NINHBINH_GEO_CACHE_DIR"
_OFF = ("", "0", "off", "no", "none", "false")
_PREFIX = "basemap-"
# The data the basemap draws (keys of datasets.DATASETS) and the code that draws it.
_DATASETS = ("province", "former_provinces", "districts", "rivers", "coastline", "roads", "places")
_CODE = ("webmap/tiles.py", "staticmap/fonts.py", "datasets.py")
_LIBRARIES = ("matplotlib", "PIL", "numpy", "shapely", "geopandas", "pyproj", "pyogrio")


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """Return the folder of the basemap cache, or None when the cache is turned off.

    Parameters
    ----------
    environ : mapping, optional
        The environment to read (default: ``os.environ``).

    Examples
    --------
    >>> cache_dir({CACHE_ENV: "off"}) is None
    True
    >>> str(cache_dir({CACHE_ENV: "/tmp/nbg-cache"}))
    '/tmp/nbg-cache'
    >>> str(cache_dir({"XDG_CACHE_HOME": "/var/cache/me"}))
    '/var/cache/me/ninhbinh_geo'
    """
    env = os.environ if environ is None else environ
    value = env.get(CACHE_ENV)
    if value is not None:
        return None if value.strip().lower() in _OFF else Path(value).expanduser()
    if sys.platform == "win32" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "ninhbinh_geo"
    base = env.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:  # no home folder known: no cache
            return None
    return Path(base) / "ninhbinh_geo"


def _versions() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    names = {"PIL": "pillow"}
    out = []
    for lib in _LIBRARIES:
        try:
            out.append(f"{lib}={version(names.get(lib, lib))}")
        except PackageNotFoundError:
            out.append(f"{lib}=?")
    return out


@functools.cache
def cache_key(zooms: tuple[int, int]) -> str:
    """Return the key of the basemap of ``zooms``: a hash of all that its tiles depend on.

    The bytes of the shipped data files drawn, of the modules that draw them, the versions of
    the package and of the libraries that read, draw and encode, and the zoom range.

    Examples
    --------
    >>> key = cache_key((8, 11))
    >>> len(key), key == cache_key((8, 11)), key == cache_key((8, 10))
    (24, True, False)
    """
    from .. import __version__, datasets

    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    parts = [f"ninhbinh_geo={__version__}", f"zooms={zooms[0]}-{zooms[1]}", *_versions()]
    digest.update("\n".join(parts).encode())
    for path in [datasets.get_path(name) for name in _DATASETS] + [root / c for c in _CODE]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


def _file(folder: Path, zooms: tuple[int, int]) -> Path:
    return folder / f"{_PREFIX}z{zooms[0]}-{zooms[1]}-{cache_key(zooms)}.zip"


def load_tiles(zooms: tuple[int, int], folder: Path | None = None) -> BasemapTiles | None:
    """Return the basemap of ``zooms`` kept on disk, or None when there is none to read.

    Parameters
    ----------
    zooms : tuple of int
        First and last zoom level.
    folder : Path, optional
        The cache folder (default: :func:`cache_dir`; no cache when that is None).

    Examples
    --------
    >>> import tempfile
    >>> load_tiles((8, 11), Path(tempfile.mkdtemp())) is None
    True
    """
    from .tiles import BasemapTiles

    folder = cache_dir() if folder is None else folder
    if folder is None:
        return None
    path = _file(folder, zooms)
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("basemap.json"))
            tiles = {key: zf.read(f"{key}.png") for key in meta["tiles"]}
        return BasemapTiles(
            tiles,
            tuple(meta["zooms"]),
            tuple(meta["bounds"]),
            tuple(tuple(c) for c in meta["credits"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        logger.info("basemap cache %s unreadable (%s); drawing the tiles again", path, exc)
        return None


def store_tiles(basemap: BasemapTiles, folder: Path | None = None) -> Path | None:
    """Keep ``basemap`` on disk for the next runs; return the file (None: cache off or failed).

    Files of the same zoom range under another key (older data, code or libraries) are removed.

    Parameters
    ----------
    basemap : BasemapTiles
        The tiles drawn by :func:`~ninhbinh_geo.webmap.tiles.render_basemap`.
    folder : Path, optional
        The cache folder (default: :func:`cache_dir`; nothing is kept when that is None).

    Examples
    --------
    >>> import tempfile
    >>> from ninhbinh_geo.webmap.tiles import BasemapTiles
    >>> folder = Path(tempfile.mkdtemp())
    >>> tiles = BasemapTiles({"8/1/2": b"png"}, (8, 8), (1.0, 2.0, 3.0, 4.0), (("s", "u", "l"),))
    >>> store_tiles(tiles, folder).name.startswith("basemap-z8-8-")
    True
    >>> load_tiles((8, 8), folder) == tiles
    True
    """
    from .. import _atomic

    folder = cache_dir() if folder is None else folder
    if folder is None:
        return None
    zooms = (int(basemap.zooms[0]), int(basemap.zooms[1]))
    path = _file(folder, zooms)
    meta = {
        "tiles": list(basemap.tiles),  # in drawing order: the page numbers them in it
        "zooms": list(zooms),
        "bounds": list(basemap.bounds),
        "credits": [list(c) for c in basemap.credits],
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _atomic.writing(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("basemap.json", json.dumps(meta))
            for key, png in basemap.tiles.items():  # PNGs are compressed already
                zf.writestr(f"{key}.png", png)
    except OSError as exc:
        logger.info("basemap cache %s not written (%s)", path, exc)
        return None
    for old in folder.glob(f"{_PREFIX}z{zooms[0]}-{zooms[1]}-*.zip"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    return path
