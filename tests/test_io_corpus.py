"""The corpus of planners' files (``tests/io_corpus.py``) through the Python API.

Each file is read as ``ninhbinh-geo check`` reads it (``read_inventory`` with the file's default
provenance and ``allow_points=True``), with the options of its case. A file read right gives
exactly the values expected, keeps every row, and says in its report what was found; a file
refused raises the package's own exception naming the rows, the problem and a fix.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest
from io_corpus import CASES, Case, kwargs

from ninhbinh_geo import io
from ninhbinh_geo._errors import NinhBinhGeoError

# Text of the libraries underneath that must never reach a planner.
_FOREIGN = ("GDAL", "pyogrio", "shapely", "GEOS", "Traceback", "driver", "DataSourceError",
            "openpyxl", "pandas", "IllegalArgumentException")  # fmt: skip


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every file of the corpus, written once for the session."""
    root = tmp_path_factory.mktemp("corpus")
    return {case.name: case.build(root / case.name) for case in CASES}


def read(path: Path, case: Case):
    return io.read_inventory(
        path, allow_points=True, **io.file_provenance(path), **kwargs(case.args)
    )


def _same(got: object, want: object) -> bool:
    if isinstance(want, float):
        return isinstance(got, float) and (
            (math.isnan(want) and math.isnan(got)) or abs(got - want) <= 1e-6 * max(1, abs(want))
        )
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    return bool(got == want)


def test_corpus_is_large_and_named_uniquely():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)
    refusals = [c for c in CASES if c.error is not None]
    assert all(c.fix for c in refusals)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_file(case: Case, corpus: dict[str, Path]):
    path = corpus[case.name]
    if case.error is not None:
        with pytest.raises(case.error) as err:
            read(path, case)
        msg = str(err.value)
        assert isinstance(err.value, NinhBinhGeoError)
        for word in case.words:
            assert word in msg, f"{word!r} not in: {msg}"
        assert case.fix in msg, f"fix {case.fix!r} not in: {msg}"
        assert not [w for w in _FOREIGN if w in msg], msg
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is read with a warning only
        out = read(path, case)
    report = "\n".join(out.attrs["harmonise_report"])
    for column, values in case.expect.items():
        assert len(out) == len(values), f"rows: {len(out)} read, {len(values)} expected"
        got = out[column].tolist()
        assert all(_same(g, w) for g, w in zip(got, values, strict=True)), (column, got, values)
    for word in case.report:
        assert word in report, f"{word!r} not in report:\n{report}"
