"""kpeace: a Jupyter course on Scott Snyder's 2007 essay on a Korean peace framework.

The essay's structure and its historical context as typed, quoted pandas tables
(:mod:`kpeace.data`), with plotly figure builders, ipywidgets explorers and offline handouts in
submodules that are imported only when used, so ``import kpeace`` stays light.
"""

from __future__ import annotations

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


def __getattr__(name: str) -> str:
    """Give ``kpeace.__version__`` lazily (reading package metadata is slow at import)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("kpeace")
        except PackageNotFoundError:  # a checkout that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'kpeace' has no attribute {name!r}")


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
