"""Interactive views of an analysed case: one self-contained HTML page each.

Four views, all summarised so that a page never draws more than a few thousand nodes
however large the case:

``overview``
    The collection structures (core, collectors, transit accounts, beneficiaries) and the
    largest accounts by amount and by PageRank; everything else is folded into group
    nodes ("312 participants of collector X, ¥1.2亿") that open on click.
``pyramid``
    The structures as a layered picture: beneficiaries on the top row, the core below
    them, then one row per level of collectors; each collector's participants folded into
    one group node beneath it. Money flows upwards.
``community``
    One node per community (sized by amount, coloured by the most serious role in it);
    click one to open it into its accounts.
``ego``
    An account and everything within ``hops`` transfers of it, with all edges among them.

The pages draw with vis-network (as distributed with pyvis), inlined together with the
data, so they open from disk with no server and ask the network for nothing. Positions
are computed here and physics is off, so a page is usable the moment it is drawn. Every
text from a bank file reaches the page as JSON data and is shown through canvas text or
DOM text nodes, never parsed as HTML.

Modules: :mod:`~fundgraph.render.views.context` (the case as arrays the views select
from), :mod:`~fundgraph.render.views.selection` (what each view draws and where),
:mod:`~fundgraph.render.views.pagedata` (the data a page carries) and
:mod:`~fundgraph.render.views.page` (the page written out).
"""

from .context import DAY_SLOTS_UP_TO as DAY_SLOTS_UP_TO
from .page import render_all, render_view
from .pagedata import (
    DEFAULT_MAX_NODES,
    ROLE_COLORS,
    VIEWS,
    view_data,
)
from .pagedata import EDGES_PER_FOLDED as EDGES_PER_FOLDED
from .pagedata import EMBED_LIMIT as EMBED_LIMIT
from .pagedata import EXPAND_PAGE as EXPAND_PAGE
from .pagedata import MAX_DRAWN_EDGES as MAX_DRAWN_EDGES
from .pagedata import PAGE_DATA_BUDGET as PAGE_DATA_BUDGET
from .selection import PYRAMID_PER_ROW

__all__ = [
    "VIEWS",
    "DEFAULT_MAX_NODES",
    "PYRAMID_PER_ROW",
    "ROLE_COLORS",
    "render_view",
    "render_all",
    "view_data",
]
