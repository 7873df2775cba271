"""kpeace: a Jupyter course on Scott Snyder's 2007 essay on a Korean peace framework.

The essay's structure and its historical context as typed, quoted pandas tables
(:mod:`kpeace.data`), with plotly figure builders, ipywidgets explorers and offline handouts in
submodules that are imported only when used, so ``import kpeace`` stays light.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kpeace.data import (
    DataFileError,
    Essay,
    cite,
    datasets,
    describe,
    essay,
    fact_sheet,
    load,
    paragraph,
    quote,
)

try:
    __version__ = version("kpeace")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = [
    "DataFileError",
    "Essay",
    "__version__",
    "cite",
    "datasets",
    "describe",
    "essay",
    "fact_sheet",
    "load",
    "paragraph",
    "quote",
]
