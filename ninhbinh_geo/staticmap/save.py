"""Writing a map page: every requested format from the same figure, each file atomically.

A PNG is written at the resolution of its paper (:data:`PNG_DPI`), a PDF or SVG as vectors.
Files carry no creation date and SVG ids are salted with a fixed string, so the same map gives
the same bytes whichever process drew it and when. Each file is written under a temporary name
and moved into place only when complete (:mod:`ninhbinh_geo._atomic`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import _atomic
from .._errors import OutputError
from .fonts import _RC
from .page import _MM_PER_INCH, PAPER_MM, PNG_DPI

__all__ = ["FORMATS", "save_figure"]

#: The file formats a map can be written in.
FORMATS = ("png", "pdf", "svg")


def _check_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Return ``formats`` as a tuple without repeats; raise ValueError on an unknown one.

    Examples
    --------
    >>> _check_formats(["pdf", "png", "pdf"])
    ('pdf', 'png')
    >>> _check_formats("png")
    ('png',)
    """
    wanted = (formats,) if isinstance(formats, str) else tuple(formats)
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ValueError(
            f"Unknown map formats {unknown or list(wanted)}; allowed are {list(FORMATS)} "
            f"(at least one)."
        )
    return tuple(dict.fromkeys(wanted))


def _png_dpi(fig: Figure) -> int:
    """Return the PNG resolution of the paper the figure is drawn on."""
    long_in = max(fig.get_size_inches())
    return PNG_DPI["A3"] if long_in * _MM_PER_INCH > PAPER_MM["A4"][0] + 1 else PNG_DPI["A4"]


def _atomic_savefig(fig: Figure, path: Path, fmt: str, dpi: int) -> None:
    title = fig.get_label()
    extra: dict = {}
    rc = dict(_RC)
    if fmt == "png":
        meta = {"Title": title, "Software": "ninhbinh_geo"}
        # zlib level 1 halves the time to write a page for about 40 % more bytes.
        extra["pil_kwargs"] = {"compress_level": 1}
    elif fmt == "pdf":
        meta = {"Title": title, "Creator": "ninhbinh_geo", "CreationDate": None}
    else:
        meta = {"Title": title, "Creator": "ninhbinh_geo", "Date": None}
        rc["svg.hashsalt"] = "ninhbinh_geo"  # ids of clip paths etc. without a random salt
    with _atomic.writing(path) as tmp, rc_context(rc):
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta, **extra)


def _warm_up(formats: tuple[str, ...]) -> None:
    """Write a page of two letters in each format, in memory.

    matplotlib imports the writer of a format, and loads the faces of the font, on first use:
    done once before worker processes fork, none of them does it again.
    """
    with rc_context(_RC):
        fig = Figure(figsize=(1, 1), dpi=72)
        FigureCanvasAgg(fig)
        fig.text(0.1, 0.5, "Đ")
        fig.text(0.5, 0.5, "ệ", fontweight="bold")
    for fmt in formats:
        with rc_context(_RC):
            fig.savefig(io.BytesIO(), format=fmt, metadata={"Title": "warm-up"})


def _save(fig: Figure, stem: Path, formats: tuple[str, ...], dpi: int | None) -> list[Path]:
    """Write ``fig`` in each of the checked ``formats``; OSError becomes OutputError."""
    dpi = _png_dpi(fig) if dpi is None else dpi
    out = []
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = stem.with_name(f"{stem.name}.{fmt}")
            _atomic_savefig(fig, path, fmt, dpi)
            out.append(path)
    except OSError as exc:
        raise OutputError(
            f"Cannot write the map '{stem}' ({exc.strerror or exc}); choose a writable folder."
        ) from exc
    return out


def save_figure(
    fig: Figure,
    path_stem: str | os.PathLike,
    *,
    dpi: int | None = None,
    formats: str | Iterable[str] = ("png", "pdf"),
) -> list[Path]:
    """Write a map as ``<stem>.png`` and ``<stem>.pdf`` (or the formats asked), each atomically.

    The figure is drawn once per format, all from the same page.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A page from one of the ``plot_*`` functions.
    path_stem : path-like
        Output path without suffix; its folder is created when missing.
    dpi : int, optional
        Resolution of the PNG; by default 200 for A4 and 150 for A3 (:data:`PNG_DPI`). PDF and
        SVG are vector.
    formats : str or sequence of str, default ("png", "pdf")
        Any of :data:`FORMATS`, written in the order given.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.

    Raises
    ------
    ValueError
        When a format is not one of :data:`FORMATS`.
    OutputError
        When the folder cannot be created or written.

    Examples
    --------
    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.staticmap import plot_overview
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [40.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> fig = plot_overview({"clusters": c}, default_legends({"clusters": c}))
    >>> [p.name for p in save_figure(fig, Path(tempfile.mkdtemp()) / "overview")]
    ['overview.png', 'overview.pdf']
    >>> [p.name for p in save_figure(fig, Path(tempfile.mkdtemp()) / "o", formats=["svg"])]
    ['o.svg']
    """
    return _save(fig, Path(path_stem), _check_formats(formats), dpi)
