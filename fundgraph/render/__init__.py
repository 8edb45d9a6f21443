"""Rendering an analysed case for people: interactive views and the printed report.

:func:`render_view` writes one interactive graph page (``overview``, ``pyramid``,
``community`` or ``ego``); :func:`render_all` writes the ones a case folder ships with.
Shared HTML helpers (escaping, safe inline JSON, the inlined vis-network) are in
:mod:`fundgraph.render.html`.
"""

from __future__ import annotations

from .views import VIEWS, render_all, render_view, view_data

__all__ = ["VIEWS", "render_view", "render_all", "view_data"]
