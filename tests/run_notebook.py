"""Execute one notebook with nbclient and write the executed notebook (run by test_notebooks).

    python tests/run_notebook.py NOTEBOOK.ipynb OUT.ipynb WORKDIR

Run in its own process: nbclient leaves an event-loop thread behind in the process that runs
it, and a process holding a thread may not fork worker processes (the review's branches and
map workers then run one after another), so the test session itself stays single-threaded. The
kernel is started from this interpreter (``sys.executable``), so the venv that runs the tests
is the one that runs the notebook, whatever kernel specs the machine has. The first cell added
prints the kernel's interpreter; the time the notebook took goes into the output's metadata.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

CELL_TIMEOUT_S = 120
# Sent as the first cell: a kernel from another Python would test another installation.
PROBE = "import sys as _sys\nprint('KERNEL-PYTHON', _sys.executable)\ndel _sys"


class _ThisPythonKernelManager(KernelManager):
    """Start ipykernel with the interpreter running the tests, not the kernel spec's python."""

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            self.connection_file,
            *(extra_arguments or []),
        ]


def main(source: Path, target: Path, workdir: Path) -> None:
    nb = nbformat.read(source, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        kernel_manager_class=_ThisPythonKernelManager,
        resources={"metadata": {"path": str(workdir)}},
    )
    t0 = time.perf_counter()
    # The notebooks write into tempfile folders: keep those under the test's folder.
    client.execute(env={**os.environ, "TMPDIR": str(workdir)})  # raises on an error cell
    nb.metadata["ninhbinh_test_seconds"] = time.perf_counter() - t0
    nbformat.write(nb, target)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
