"""Run a notebook in a fresh kernel and measure it: wall time, kernel CPU time, kernel memory.

Used by ``run.py`` (measures 3 and 8). The kernel is started here rather than by nbclient so
that it is still alive after the last cell: its memory is read then, as the proportional set
size (PSS: private pages plus a fair share of pages shared with other processes), which counts
what one more learner's kernel costs a server.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

#: A kernel that only imported what every kpeace notebook needs: the memory floor.
IMPORTS_ONLY = ["import pandas\nimport plotly\nimport ipywidgets"]


def notebook_of(cells: list[str]) -> nbformat.NotebookNode:
    """Return a notebook of the given code cells, on the ``python3`` kernel.

    Parameters
    ----------
    cells : list of str
        The cells' code.

    Returns
    -------
    nbformat.NotebookNode
        The notebook.
    """
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def run_notebook(nb: nbformat.NotebookNode, cwd: Path) -> dict[str, float]:
    """Start a fresh kernel, run every cell, measure, and shut the kernel down.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook (executed in place).
    cwd : pathlib.Path
        The kernel's working directory.

    Returns
    -------
    dict
        ``wall_s`` (kernel start to last cell done), ``cpu_s`` (the kernel's user + system
        CPU time) and ``pss_bytes`` (the kernel's proportional set size after the last cell).
    """
    km = KernelManager(kernel_name="python3")
    start = time.perf_counter()
    km.start_kernel(cwd=str(cwd), extra_arguments=["--IPKernelApp.log_level=ERROR"])
    try:
        NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(cwd)}}).execute()
        wall = time.perf_counter() - start
        kernel = psutil.Process(km.provisioner.process.pid)
        cpu = kernel.cpu_times()
        pss = kernel.memory_full_info().pss
    finally:
        km.shutdown_kernel(now=True)
    return {"wall_s": wall, "cpu_s": cpu.user + cpu.system, "pss_bytes": float(pss)}
