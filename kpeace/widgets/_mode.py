"""Choose, once, how interactive views render: live widgets or static twins (private).

``live``: ipywidgets explorers that update their figure in place (JupyterLab with a kernel).
``static``: the plotly figure with its own controls and answers in ``<details>`` (handouts,
which have no kernel). The handout builder sets ``KPEACE_DISPLAY=static`` before it starts the
kernels; :func:`set_display_mode` changes it for the current session.
"""

from __future__ import annotations

import os

MODES = ("live", "static")
ENV = "KPEACE_DISPLAY"
_override: str | None = None


def display_mode() -> str:
    """Return the current display mode, ``"live"`` or ``"static"``.

    Returns
    -------
    str
        :func:`set_display_mode`'s choice if made, else ``KPEACE_DISPLAY``, else ``"live"``.

    Raises
    ------
    ValueError
        If ``KPEACE_DISPLAY`` holds something else (the message lists the valid modes).
    """
    if _override is not None:
        return _override
    mode = os.environ.get(ENV, "live").strip().lower() or "live"
    if mode not in MODES:
        raise ValueError(f"{ENV}={mode!r} is not a display mode; use one of: {', '.join(MODES)}")
    return mode


def set_display_mode(mode: str | None) -> None:
    """Set the display mode for this session (``None`` goes back to the environment's).

    Parameters
    ----------
    mode : {"live", "static"} or None
        The mode.

    Raises
    ------
    ValueError
        If ``mode`` is not a valid mode.
    """
    global _override
    if mode is not None and mode not in MODES:
        raise ValueError(f"{mode!r} is not a display mode; use one of: {', '.join(MODES)}")
    _override = mode
