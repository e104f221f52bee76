"""Settings of the whole test session.

The basemap cache (:mod:`ninhbinh_geo.webmap.tilecache`) goes into a folder of this session, not
the user's ``~/.cache``: the tests never read tiles a previous version left there, and the
processes the tests start (the command line, notebooks) share it. A developer who sets
``NINHBINH_GEO_CACHE_DIR`` (``off`` included) keeps that choice.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from ninhbinh_geo.webmap.tilecache import CACHE_ENV

_SESSION_CACHE = None
if CACHE_ENV not in os.environ:
    _SESSION_CACHE = tempfile.mkdtemp(prefix="nbg-test-cache-")
    os.environ[CACHE_ENV] = _SESSION_CACHE


def pytest_sessionfinish(session, exitstatus):
    if _SESSION_CACHE is not None:
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)
