"""The Examples sections of the docstrings run, and show what they say (numpydoc, doctest)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ninhbinh_geo

# Subpackages and their modules too (``io.encodings``, ``staticmap.furniture`` …).
MODULES = sorted(
    m.name.removeprefix("ninhbinh_geo.")
    for m in pkgutil.walk_packages(ninhbinh_geo.__path__, prefix="ninhbinh_geo.")
)


def test_every_module_is_listed():
    assert {"network", "proximity", "schema", "efficiency", "exposure", "zoning"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    module = importlib.import_module(f"ninhbinh_geo.{name}")
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    for test in doctest.DocTestFinder().find(module, module.__name__):
        runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples in ninhbinh_geo.{name} failed"
