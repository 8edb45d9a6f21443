r"""Small helpers for writing self-contained HTML pages safely.

Every text that comes from a bank file (holder names, memos, account numbers) is
untrusted: it goes into a page only through :func:`esc` (element content and attribute
values) or :func:`json_for_script` (data inside ``<script>``). Scripts and styles are
inlined with :func:`inline_asset`, so a page asks the network for nothing.

Examples
--------
>>> esc('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
>>> json_for_script({"name": "</script><script>alert(1)</script>"})
'{"name":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"}'
"""

from __future__ import annotations

import html
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import FundgraphError

__all__ = ["esc", "json_for_script", "inline_asset", "break_end_tags", "ASSETS"]

#: The vis-network files :func:`inline_asset` serves (from the installed pyvis package).
ASSETS = ("vis-network.min.js", "vis-network.css")
#: The vis-network build inside pyvis that the pages inline.
VIS_NETWORK = "vis-9.1.2"

_SCRIPT_UNSAFE = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def esc(text: Any) -> str:
    """HTML-escape ``text`` for element content or a quoted attribute value.

    ``None`` and pandas' missing values become the empty string; anything else is
    converted with :func:`str` first. Quotes are escaped too, so the result is safe
    inside ``"..."`` and ``'...'`` attributes.

    Parameters
    ----------
    text : object
        The value to show.

    Returns
    -------
    str
        Text with ``& < > " '`` replaced by character references.

    Examples
    --------
    >>> esc("A & B <b>")
    'A &amp; B &lt;b&gt;'
    >>> esc(None)
    ''
    """
    if text is None:
        return ""
    try:
        if text != text:  # NaN, NaT
            return ""
    except (TypeError, ValueError):  # pd.NA compares to neither True nor False
        return ""
    return html.escape(str(text), quote=True)


def json_for_script(obj: Any, *, indent: int | None = None) -> str:
    r"""JSON text that is safe to place inside an inline ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``/``\\u003e``/``\\u0026`` so the data
    can neither close the script element (``</script>``) nor open a comment
    (``<!--``); U+2028 and U+2029 are escaped because older JavaScript engines treat them
    as line ends inside string literals. The result is still valid JSON and a valid
    JavaScript expression with the same value.

    Parameters
    ----------
    obj : object
        Anything :func:`json.dumps` accepts (non-ASCII text is kept as is).
    indent : int, optional
        Passed to :func:`json.dumps`; without it the text is compact (no spaces).

    Returns
    -------
    str

    Examples
    --------
    >>> json_for_script(["a<b", "x&y"])
    '["a\\u003cb","x\\u0026y"]'
    """
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        obj, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False
    )
    # str.replace runs at memory speed; str.translate is ten times slower on pages of data
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(chr(char), escaped)
    return text


@cache
def inline_asset(name: str) -> str:
    """The text of a vis-network asset (``vis-network.min.js``, ``vis-network.css``).

    The files are read from the installed pyvis package, which ships vis-network
    (``pyvis/templates/lib/vis-9.1.2/``), license headers included; pyvis itself is not
    imported (its import pulls in IPython). The text is made safe to inline: any
    ``</script`` or ``</style`` inside it is broken up so it cannot end the element early.

    Parameters
    ----------
    name : str
        One of :data:`ASSETS`.

    Returns
    -------
    str
        To be placed inside ``<script>...</script>`` or ``<style>...</style>``.

    Raises
    ------
    ValueError
        If ``name`` is not a bundled asset.
    FundgraphError
        If pyvis (and with it vis-network) is not installed.
    """
    if name not in ASSETS:
        raise ValueError(f"unknown asset {name!r}; choose one of {', '.join(ASSETS)}")
    spec = importlib.util.find_spec("pyvis")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise FundgraphError("the HTML pages need the pyvis package (pip install pyvis)")
    folder = Path(spec.submodule_search_locations[0]) / "templates" / "lib" / VIS_NETWORK
    text = (folder / name).read_text(encoding="utf-8")
    return break_end_tags(text)


def break_end_tags(text: str) -> str:
    """Script or style text with every ``</script`` and ``</style`` broken up as ``<\\/``,
    so that it cannot end its inline element early.

    ``<\\/`` means the same as ``</`` in JavaScript strings and regular expressions; the
    inlined files (vis-network's and the pages' own script) contain neither inside
    comments nor CSS strings.

    Examples
    --------
    >>> break_end_tags('s = "</script>";')
    's = "<\\\\/script>";'
    """
    for tag in ("</script", "</SCRIPT", "</style", "</STYLE"):
        text = text.replace(tag, "<\\/" + tag[2:])
    return text
