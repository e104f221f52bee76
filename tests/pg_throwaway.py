"""A throwaway PostgreSQL/PostGIS server for the tests, on a Unix socket in a temporary folder.

Debian's ``postgresql`` and ``postgis`` packages (``/usr/lib/postgresql/<major>/bin``) are used
as they are: ``initdb`` makes a cluster in a temporary folder, ``pg_ctl`` starts it listening on
a Unix socket only (no TCP port), and a database ``ninhbinh_test`` gets the ``postgis``
extension. PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres``
system user the Debian package creates.

``.ci/run`` starts one server for the whole suite and exports its URL as
``NINHBINH_TEST_POSTGIS_URL``::

    url=$(/usr/bin/python3 tests/pg_throwaway.py start "$dir")
    /usr/bin/python3 tests/pg_throwaway.py stop "$dir"

Without that variable, ``tests/test_postgis.py`` starts its own with :func:`start` when the
binaries are there, and skips with the reason otherwise. Standard library only (it runs under
Debian's Python as well as in the venv).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATABASE = "ninhbinh_test"
ENV_URL = "NINHBINH_TEST_POSTGIS_URL"


def bin_dir() -> Path | None:
    """Return the newest ``/usr/lib/postgresql/<major>/bin`` that has initdb and PostGIS."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        major = candidate.parent.name
        control = Path(f"/usr/share/postgresql/{major}/extension/postgis.control")
        if (candidate / "initdb").exists() and control.exists():
            return candidate
    return None


def missing_reason() -> str | None:
    """Why no throwaway server can be started here (None when it can)."""
    if bin_dir() is None:
        return (
            "PostgreSQL with PostGIS not installed (Debian: apt-get install postgresql "
            "postgis; .ci/run installs them)"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: cannot start PostgreSQL as a non-root user"
    return None


def _as_owner(cmd: list[str]) -> list[str]:
    """Run ``cmd`` as the cluster owner: ``postgres`` when we are root, else ourselves."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _owner() -> str:
    if os.geteuid() == 0:
        return "postgres"
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def url_of(folder: Path) -> str:
    """The libpq URL of the test database of the server in ``folder`` (Unix socket)."""
    return f"postgresql://{_owner()}@/{DATABASE}?host={folder}"


def start(folder: str | os.PathLike | None = None) -> tuple[Path, str]:
    """Create, start and prepare a server in ``folder`` (a new temporary one by default).

    Returns the folder and the URL of the ``ninhbinh_test`` database (PostGIS enabled).
    """
    binaries = bin_dir()
    if binaries is None:
        raise RuntimeError(missing_reason())
    root = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="nb-pg-"))
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    subprocess.run(
        _as_owner(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-U",
                _owner(),
            ]
        ),
        **quiet,
    )
    # Unix socket only, small and fast: a test server, never a real one.
    options = (
        f"-c listen_addresses='' -c unix_socket_directories='{root}' -c fsync=off "
        f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
    )
    subprocess.run(
        _as_owner(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ]
        ),
        **quiet,
    )
    psql = [str(binaries / "psql"), "-h", str(root), "-U", _owner(), "-v", "ON_ERROR_STOP=1", "-q"]
    subprocess.run(
        _as_owner([*psql, "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE}"]), **quiet
    )
    subprocess.run(_as_owner([*psql, "-d", DATABASE, "-c", "CREATE EXTENSION postgis"]), **quiet)
    return root, url_of(root)


def stop(folder: str | os.PathLike) -> None:
    """Stop the server in ``folder`` and remove the folder."""
    root = Path(folder)
    binaries = bin_dir()
    if binaries is not None and (root / "data" / "postmaster.pid").exists():
        subprocess.run(
            _as_owner(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(root / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    for _ in range(20):
        shutil.rmtree(root, ignore_errors=True)
        if not root.exists():
            return
        time.sleep(0.1)


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print(f"usage: {argv[0]} start|stop FOLDER", file=sys.stderr)
        return 2
    if argv[1] == "stop":
        stop(argv[2])
        return 0
    reason = missing_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 3
    try:
        _, url = start(argv[2])
    except subprocess.CalledProcessError as exc:
        print(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')}", file=sys.stderr)
        return 1
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
