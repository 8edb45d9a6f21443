"""Exports of an analysed case for the tools investigators already use.

========  =============================================  =====================================
format    function                                       opens in
========  =============================================  =====================================
xlsx      :func:`~fundgraph.export.xlsx.write_xlsx`      Excel, WPS, LibreOffice
graphml   :func:`~fundgraph.export.graph.write_graphml`  Gephi, Cytoscape, yEd
gexf      :func:`~fundgraph.export.graph.write_gexf`     Gephi
anx       :func:`~fundgraph.export.anx.write_anx`        i2 Analyst's Notebook (8, 9)
pdf       :func:`~fundgraph.export.pdf.write_pdf`        any PDF reader
========  =============================================  =====================================

:func:`export_case` picks the function by format name and the default file name.
"""

from __future__ import annotations
