"""The views in headless Chromium: time window, sparklines, both languages, folding groups back."""

from __future__ import annotations

import math
import re

import pytest

from fundgraph.i18n import catalogue
from fundgraph.money import format_cny
from fundgraph.render import render_view
from tests.render.test_views_case import (
    CORE,
    FOCUS,
    HOSTILE_NAMES,
    assert_clean,
    node_point,
    open_ready,
    participant_account,
)

pytestmark = pytest.mark.browser

VIEWS = ["overview", "pyramid", "community", "ego"]
# a catalogue key or an unfilled placeholder showing through
LEAK = re.compile(r"\b(views|role)\.[a-z_]+|\{[a-z_]+\}")
ZH_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
EN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _render(case, tmp_path, view, lang="zh", **kw):
    return render_view(
        case, tmp_path / f"{view}-{lang}.html", view=view, focus=FOCUS, lang=lang, **kw
    )


def _slide(opened, which: str, value: int) -> None:
    """Move one handle of the window slider as a user would (``input``, then ``change`` on release)."""
    opened.page.evaluate(
        """([id, v]) => {
            const box = document.getElementById(id);
            box.value = String(v);
            box.dispatchEvent(new Event('input', { bubbles: true }));
            box.dispatchEvent(new Event('change', { bubbles: true }));
        }""",
        [which, value],
    )


def _counts(opened):
    return opened.page.evaluate("[window.fundgraph.nodes.length, window.fundgraph.edges.length]")


def _page_text(opened) -> str:
    """Everything a reader sees: the DOM text, node labels and edge labels on the canvas."""
    return opened.page.evaluate(
        """() => [document.title, document.body.innerText,
                  document.getElementById('search').placeholder,
                  ...window.fundgraph.nodes.get().map(n => n.label || ''),
                  ...window.fundgraph.edges.get().map(e => e.label || '')].join('\\n')"""
    )


# ---------------------------------------------------------------- time window
@pytest.mark.parametrize("view", VIEWS)
def test_slider_hides_edges_outside_the_window_and_brings_them_back(
    case, tmp_path, open_page, view
):
    opened = open_ready(open_page, _render(case, tmp_path, view))
    nodes0, edges0 = _counts(opened)
    slots = opened.page.evaluate("window.fundgraph.slots()")
    assert slots == 8  # January to August 2022, by month
    assert opened.page.get_attribute("#win-to", "max") == "7"
    # August only: the core pays its beneficiary, nothing else moves
    _slide(opened, "win-to", 7)
    _slide(opened, "win-from", 7)
    nodes1, edges1 = _counts(opened)
    assert edges1 < edges0
    assert edges1 == (0 if view == "community" else 1)
    label = opened.page.inner_text("#win-label")
    assert label == "2022年8月1日 至 2022年8月31日"
    drawn = opened.page.evaluate(
        "window.fundgraph.edges.get().map(e => [e.fgAmount, e.fgTotal, e.fgFirst, e.fgLast])"
    )
    # every drawn edge moved money in March and is weighted by that money only
    assert all(0 < amount <= total for amount, total, _f, _l in drawn)
    # nodes without an edge in the window are gone, except the core (faded)
    linked = opened.page.evaluate(
        """() => {
            const ids = new Set();
            window.fundgraph.edges.get().forEach(e => { ids.add(e.from); ids.add(e.to); });
            return window.fundgraph.nodes.get().filter(n => !ids.has(n.id))
                .map(n => [n.id, n.fgRole, n.opacity]);
        }"""
    )
    assert all(role == "core" and op == 0.25 for _id, role, op in linked)
    assert nodes1 <= nodes0
    # the slider's handles cannot cross: pulling "to" before "from" moves "from" along
    _slide(opened, "win-to", 1)
    assert opened.page.input_value("#win-from") == "1"
    # the whole range again: everything comes back
    _slide(opened, "win-from", 0)
    _slide(opened, "win-to", 7)
    assert _counts(opened) == [nodes0, edges0]
    assert_clean(opened)


def test_window_reweights_edges_by_the_money_inside_it(case, tmp_path, open_page):
    opened = open_ready(open_page, _render(case, tmp_path, "overview"))
    edge = "6222000000000000011\u00016222000000000000001"  # collector -> core, July
    full = opened.page.evaluate("(id) => window.fundgraph.edges.get(id)", edge)
    assert full["fgAmount"] == full["fgTotal"] == 120_000_000
    _slide(opened, "win-from", 6)
    _slide(opened, "win-to", 6)
    july = opened.page.evaluate("(id) => window.fundgraph.edges.get(id)", edge)
    assert july["fgAmount"] == 120_000_000
    _slide(opened, "win-from", 7)
    _slide(opened, "win-to", 7)
    assert opened.page.evaluate("(id) => window.fundgraph.edges.get(id)", edge) is None
    # participants' payments into a collector: only the ones of the window count
    _slide(opened, "win-from", 0)
    _slide(opened, "win-to", 0)
    jan = opened.page.evaluate(
        "window.fundgraph.edges.get().filter(e => e.to === '6222000000000000011')"
        ".map(e => e.fgAmount).reduce((a, b) => a + b, 0)"
    )
    # participants k = 0, 6, 12, ... pay in January; one in three pays this collector
    expected = sum((k % 5 + 1) * 1_000_000 for k in range(0, 60, 6) if k % 3 == 0)
    assert jan == expected
    widths = opened.page.evaluate("window.fundgraph.edges.get().map(e => e.width)")
    assert all(w > 0 for w in widths)
    assert_clean(opened)


# ---------------------------------------------------------------- sparklines
@pytest.mark.parametrize("view", ["overview", "pyramid"])
def test_tooltip_and_details_carry_a_sparkline(case, tmp_path, open_page, view):
    opened = open_ready(open_page, _render(case, tmp_path, view))
    for node in (FOCUS, opened.page.evaluate("window.fundgraph.groupId(0)")):
        x, y = node_point(opened, node)
        opened.page.mouse.move(5, 5)
        opened.page.mouse.move(x, y)
        opened.page.wait_for_selector("#tip svg path", state="visible", timeout=3000)
        paths = opened.page.evaluate(
            "[...document.querySelectorAll('#tip svg path')].map(p => p.getAttribute('d'))"
        )
        assert len(paths) == 2 and all(re.fullmatch(r"M[\d. LM-]+", d) for d in paths)
        # a line that goes somewhere: the account and the group moved money
        assert any(len(set(re.findall(r"[\d.]+ ([\d.]+)", d))) > 1 for d in paths)
    opened.page.mouse.move(5, 5)
    opened.page.fill("#search", FOCUS)
    opened.page.press("#search", "Enter")
    assert opened.page.evaluate("document.querySelectorAll('#details svg path').length") == 2
    assert opened.page.evaluate("document.querySelector('#details svg').namespaceURI") == (
        "http://www.w3.org/2000/svg"
    )
    assert_clean(opened)


def test_sparkline_sums_the_accounts_money_per_month(case, tmp_path, open_page):
    opened = open_ready(open_page, _render(case, tmp_path, "overview"))
    tr = case.transfers
    months = tr["time"].dt.month
    # the collector's payments in by month, from the transfers themselves
    want = tr[tr["dst"] == FOCUS].groupby(months)["amount"].sum()
    got = opened.page.evaluate(
        """(id) => {
            window.fundgraph.search(id);
            return [...document.querySelectorAll('#details svg path')][0].getAttribute('d');
        }""",
        FOCUS,
    )
    ys = [float(v) for v in re.findall(r"[\d.]+ ([\d.]+)", got)]
    assert len(ys) == 8
    # the highest point of the "in" line is the month with most money in
    assert ys.index(min(ys)) == int(want.idxmax()) - 1
    assert_clean(opened)


# ---------------------------------------------------------------- both languages
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("view", VIEWS)
def test_every_text_comes_translated(case, tmp_path, open_page, view, lang):
    opened = open_ready(open_page, _render(case, tmp_path, view, lang=lang))
    texts = [_page_text(opened)]
    # tooltips and details of an account, a group and an edge, with the window narrowed
    opened.page.fill("#search", FOCUS)
    opened.page.press("#search", "Enter")
    texts.append(opened.page.inner_text("#details"))
    group = opened.page.evaluate(
        "(window.fundgraph.nodes.get().find(n => n.fgKind === 'g') || {}).id || null"
    )
    if group is not None:
        x, y = node_point(opened, group)
        opened.page.mouse.click(x, y)
        texts.append(opened.page.inner_text("#details"))
        texts.append(opened.page.inner_text("#message"))
    _slide(opened, "win-from", 1)
    texts.append(opened.page.inner_text("#win-label"))
    texts.append(_page_text(opened))
    edge = opened.page.evaluate("window.fundgraph.edges.getIds()[0]")
    opened.page.evaluate("(id) => window.fundgraph.network.selectEdges([id])", edge)
    texts.append(_page_text(opened))
    text = "\n".join(texts)
    leaks = LEAK.findall(text)
    assert not leaks, leaks
    other = catalogue("en" if lang == "zh" else "zh")
    mine = catalogue(lang)
    # the legend and the slider speak the page's language
    assert mine["views.ui.window"] in text and mine["views.legend.faded"] in text
    assert other["views.ui.window"] not in text
    if lang == "zh":
        assert ZH_DATE.search(text) and not EN_DATE.search(text)
        assert re.search(r"¥[\d.]+万", text)
    else:
        assert EN_DATE.search(text) and not ZH_DATE.search(text)
        assert re.search(r"¥\d{1,3}(,\d{3})+\.\d{2}", text)
        assert not re.search(r"[\u4e00-\u9fff]", _without_names(text, case))
    if view == "overview":
        opened.page.evaluate("window.fundgraph.setSlots(0, 99)")
        opened.page.evaluate("window.fundgraph.network.unselectAll()")
        opened.page.evaluate("window.fundgraph.network.fit({ animation: false })")
        opened.page.wait_for_timeout(200)
        opened.screenshot(f"view-overview-{lang}")
    assert_clean(opened)


def _without_names(text: str, case) -> str:
    """``text`` without the holder names from the bank files (Chinese in either language)."""
    for name in sorted(case.accounts["holder_name"].dropna().astype(str), key=len, reverse=True):
        text = text.replace(name, "")
    return text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_amounts_match_format_cny(case, tmp_path, open_page, lang):
    opened = open_ready(open_page, _render(case, tmp_path, "overview", lang=lang))
    values = [
        0,
        5,
        99,
        12_345,
        999_999,
        1_000_000,
        1_234_567,
        120_000_000,
        9_999_999_999,
        10_000_000_000,
        123_456_789_012,
        -5_000_000,
    ]
    got = opened.page.evaluate("(vs) => vs.map(v => window.fundgraph.cny(v))", values)
    assert got == [format_cny(v, lang) for v in values]
    assert_clean(opened)


# ---------------------------------------------------------------- opening and folding groups
def test_group_folds_back_by_its_control_and_by_its_account(case, tmp_path, open_page):
    opened = open_ready(open_page, _render(case, tmp_path, "pyramid"))
    before = _counts(opened)
    group_id = opened.page.evaluate("window.fundgraph.groupId(0)")
    anchor = opened.page.evaluate(
        "(() => { const D = window.fundgraph.data; return D.accounts.id[D.groups.anchor[0]]; })()"
    )
    x, y = node_point(opened, group_id)
    opened.page.mouse.click(x, y)
    assert _counts(opened)[0] == before[0] + 20 - 1
    # the opened member's details offer to fold the group back
    member = opened.page.evaluate(
        "(() => { const D = window.fundgraph.data; return D.accounts.id[D.groups.members[0][0]]; })()"
    )
    opened.page.fill("#search", member)
    opened.page.press("#search", "Enter")
    opened.page.get_by_role("button", name="收起该组").click()
    assert _counts(opened) == before
    assert "20" in opened.page.inner_text("#message")
    # open again, then click the account the group hangs from: it folds back too
    x, y = node_point(opened, group_id)
    opened.page.mouse.click(x, y)
    assert _counts(opened)[0] == before[0] + 19
    x, y = node_point(opened, anchor)
    opened.page.mouse.click(x, y)
    assert _counts(opened) == before
    assert opened.page.evaluate("(id) => window.fundgraph.nodes.get(id) !== null", group_id)
    assert_clean(opened)


@pytest.mark.parametrize("view", ["overview", "pyramid", "ego"])
def test_opened_members_do_not_cover_other_nodes(case, tmp_path, open_page, view):
    opened = open_ready(open_page, _render(case, tmp_path, view))
    n_groups = opened.page.evaluate("window.fundgraph.data.groups.kind.length")
    for g in range(n_groups):
        opened.page.evaluate("(g) => window.fundgraph.expand(g)", g)
    circles = opened.page.evaluate(
        """() => {
            const net = window.fundgraph.network, p = net.getPositions();
            return window.fundgraph.nodes.get().map(n => [n.id, p[n.id].x, p[n.id].y, n.size]);
        }"""
    )
    assert len(circles) > 40
    overlaps = [
        (a[0], b[0])
        for i, a in enumerate(circles)
        for b in circles[i + 1 :]
        if math.hypot(a[1] - b[1], a[2] - b[2]) < 0.95 * (a[3] + b[3])
    ]
    # nodes placed by the layout may touch in a dense pyramid row; opened members never do
    opened_ids = set(
        opened.page.evaluate(
            """() => { const D = window.fundgraph.data;
                   return D.accounts.id.filter((id, r) => D.accounts.group[r] >= 0); }"""
        )
    )
    assert [o for o in overlaps if o[0] in opened_ids or o[1] in opened_ids] == []
    assert_clean(opened)


@pytest.mark.parametrize("view", ["overview", "pyramid"])
def test_hostile_names_stay_text_in_tooltips_with_sparklines(case, tmp_path, open_page, view):
    opened = open_ready(open_page, _render(case, tmp_path, view))
    for g in range(opened.page.evaluate("window.fundgraph.data.groups.kind.length")):
        opened.page.evaluate("(g) => window.fundgraph.expand(g)", g)
    shown = 0
    for k, name in enumerate(HOSTILE_NAMES):
        account = participant_account(k)
        x, y = node_point(opened, account)
        opened.page.mouse.move(5, 5)
        opened.page.mouse.move(x, y)
        opened.page.wait_for_timeout(250)
        if opened.page.is_visible("#tip"):
            assert name in opened.page.inner_text("#tip")
            assert opened.page.evaluate("document.querySelectorAll('#tip svg path').length") == 2
            shown += 1
    assert shown >= 2
    opened.page.fill("#search", CORE)
    opened.page.press("#search", "Enter")
    injected = opened.page.evaluate(
        """() => ({
            img: document.querySelectorAll('img').length,
            b: document.querySelectorAll('#details b, #tip b').length,
            scripts: document.querySelectorAll('script').length,
            handlers: document.querySelectorAll('[onerror], [onmouseover], [onload]').length,
            foreignSvg: document.querySelectorAll('svg script, svg foreignObject').length,
        })"""
    )
    assert injected == {"img": 0, "b": 0, "scripts": 4, "handlers": 0, "foreignSvg": 0}
    assert_clean(opened)


def test_dragging_the_slider_with_the_mouse(case, tmp_path, open_page):
    opened = open_ready(open_page, _render(case, tmp_path, "overview", lang="en"))
    nodes0, edges0 = _counts(opened)
    box = opened.page.locator("#win-to").bounding_box()
    y = box["y"] + box["height"] / 2
    # grab the "to" handle at the right end and pull it to the left end
    opened.page.mouse.move(box["x"] + box["width"] - 4, y)
    opened.page.mouse.down()
    opened.page.mouse.move(box["x"] + box["width"] / 2, y, steps=5)
    opened.page.mouse.move(box["x"] + 2, y, steps=5)
    opened.page.mouse.up()
    opened.page.wait_for_timeout(100)
    assert opened.page.input_value("#win-to") == "0"
    assert opened.page.inner_text("#win-label") == "2022-01-01 to 2022-01-31"
    nodes1, edges1 = _counts(opened)
    assert edges1 < edges0 and nodes1 < nodes0
    opened.page.mouse.move(box["x"] + 2, y)
    opened.page.mouse.down()
    opened.page.mouse.move(box["x"] + box["width"] - 1, y, steps=8)
    opened.page.mouse.up()
    opened.page.wait_for_timeout(100)
    assert _counts(opened) == [nodes0, edges0]
    assert_clean(opened)
