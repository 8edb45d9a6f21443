"""The interactive views in headless Chromium: self-contained, drawn, searchable, filterable, inert."""

from __future__ import annotations

import pytest

from fundgraph.render import render_view, view_data
from tests.render.test_views_case import (
    BENEFICIARY,
    COLLECTORS,
    CORE,
    FOCUS,
    HOSTILE_NAMES,
    N_PARTICIPANTS,
    assert_clean,
    node_point,
    open_ready,
    participant_account,
)

pytestmark = pytest.mark.browser

VIEWS = ["overview", "pyramid", "community", "ego"]
# what the hand-made case draws when a page opens
EXPECTED_NODES = {"overview": 30, "pyramid": 8, "community": 2}


def _render(case, tmp_path, view, **kw):
    return render_view(case, tmp_path / f"{view}.html", view=view, focus=FOCUS, **kw)


def _count(opened):
    return opened.page.evaluate("window.fundgraph.nodes.length")


@pytest.mark.parametrize("view", VIEWS)
def test_view_opens_self_contained_and_draws_expected_nodes(case, tmp_path, open_page, view):
    path = _render(case, tmp_path, view)
    opened = open_ready(open_page, path)
    data = view_data(case, view=view, focus=FOCUS)
    expected = sum(1 for g in data["accounts"]["group"] if g < 0) + len(data["groups"]["kind"])
    assert _count(opened) == expected
    if view in EXPECTED_NODES:
        assert expected == EXPECTED_NODES[view]
    # the page never draws more than asked for
    assert _count(opened) <= 2000
    # account ids stay strings in the page
    ids = opened.page.evaluate("window.fundgraph.visibleNodeIds()")
    assert all(isinstance(i, str) for i in ids)
    # title and labels come from the catalogue
    assert opened.page.title() in (
        "资金网络总览",
        "层级结构图（资金自下而上汇集）",
        "资金社区图",
        "账户关联图",
    )
    assert opened.page.inner_text("#legend").count("归集账户") == 1
    opened.page.wait_for_timeout(200)
    opened.screenshot(f"view-{view}")
    assert_clean(opened)


@pytest.mark.parametrize("view", VIEWS)
def test_search_selects_and_focuses_the_account(case, tmp_path, open_page, view):
    opened = open_ready(open_page, _render(case, tmp_path, view))
    target = participant_account(12)  # pays the focus collector; folded in pyramid and community
    opened.page.fill("#search", target)
    opened.page.press("#search", "Enter")
    selected = opened.page.evaluate("window.fundgraph.network.getSelectedNodes()")
    assert selected == [target]
    assert target in opened.page.inner_text("#details")
    # by holder name too
    opened.page.fill("#search", "王归集")
    opened.page.click("#search-go")
    selected = opened.page.evaluate("window.fundgraph.network.getSelectedNodes()")
    assert selected == [list(COLLECTORS)[1]]
    opened.page.fill("#search", "no such account 000")
    opened.page.press("#search", "Enter")
    assert "no such account 000" in opened.page.inner_text("#message")
    assert_clean(opened)


@pytest.mark.parametrize("view", VIEWS)
def test_filters_hide_nodes(case, tmp_path, open_page, view):
    opened = open_ready(open_page, _render(case, tmp_path, view))
    before = _count(opened)
    # minimum amount: ¥500,000 keeps only the big accounts and groups
    opened.page.fill("#min-amount", "500000")
    opened.page.dispatch_event("#min-amount", "change")
    amounts = opened.page.evaluate("window.fundgraph.nodes.get().map(n => n.fgAmount)")
    assert all(a >= 50_000_000 for a in amounts)
    assert len(amounts) < before or view == "community"
    opened.page.fill("#min-amount", "0")
    opened.page.dispatch_event("#min-amount", "change")
    assert _count(opened) == before
    # role checkboxes
    opened.page.uncheck("#roles input[data-role=collector]")
    roles = opened.page.evaluate("window.fundgraph.nodes.get().map(n => n.fgRole)")
    assert "collector" not in roles
    opened.page.check("#roles input[data-role=collector]")
    assert _count(opened) == before
    # time window: nothing happened before 2021; only the core stays, faded
    opened.page.evaluate("window.fundgraph.setWindow('', '2020-12-31')")
    left = opened.page.evaluate(
        "window.fundgraph.nodes.get().map(n => [n.fgKind, n.fgRole, n.opacity])"
    )
    assert all(n == ["a", "core", 0.25] for n in left)
    assert opened.page.evaluate("window.fundgraph.edges.length") == 0
    opened.page.click("#reset")
    assert _count(opened) == before
    assert_clean(opened)


def test_group_opens_on_click(case, tmp_path, open_page):
    opened = open_ready(open_page, _render(case, tmp_path, "pyramid"))
    before = _count(opened)
    group_id = opened.page.evaluate("window.fundgraph.groupId(0)")
    x, y = node_point(opened, group_id)
    opened.page.mouse.click(x, y)
    after = _count(opened)
    # 20 participants come out, the emptied group goes away
    assert after == before + 20 - 1
    assert "20" in opened.page.inner_text("#message")
    opened.screenshot("view-pyramid-opened")
    assert_clean(opened)


@pytest.mark.parametrize("view", VIEWS)
def test_hostile_holder_names_are_inert(case, tmp_path, open_page, view):
    opened = open_ready(open_page, _render(case, tmp_path, view))
    in_page = set(view_data(case, view=view, focus=FOCUS)["accounts"]["id"])
    probed = tips = 0
    for k, name in enumerate(HOSTILE_NAMES):
        account = participant_account(k)
        if account not in in_page:  # the ego view reaches only part of the case
            continue
        probed += 1
        opened.page.fill("#search", account)
        opened.page.press("#search", "Enter")
        assert name in opened.page.inner_text("#details")
        # hover: the tooltip shows the name as text
        x, y = node_point(opened, account)
        opened.page.mouse.move(x, y)
        opened.page.wait_for_timeout(250)
        if opened.page.is_visible("#tip"):
            assert name in opened.page.inner_text("#tip")
            tips += 1
        opened.page.mouse.move(5, 5)
    assert probed >= 2 and tips >= 1
    # an alert text with markup is shown as text too
    opened.page.fill("#search", CORE)
    opened.page.press("#search", "Enter")
    assert "<b>多人转入</b>" in opened.page.inner_text("#details")
    injected = opened.page.evaluate(
        """() => ({
            img: document.querySelectorAll('img').length,
            b: document.querySelectorAll('#details b, #tip b').length,
            scripts: document.querySelectorAll('script').length,
            handlers: document.querySelectorAll('[onerror], [onmouseover]').length,
        })"""
    )
    assert injected == {"img": 0, "b": 0, "scripts": 4, "handlers": 0}
    assert_clean(opened)


def test_english_page_and_amounts(case, tmp_path, open_page):
    opened = open_ready(open_page, _render(case, tmp_path, "overview", lang="en"))
    assert opened.page.title() == "Fund-flow overview"
    opened.page.fill("#search", BENEFICIARY)
    opened.page.press("#search", "Enter")
    assert "¥300,000.00" in opened.page.inner_text("#details")
    assert_clean(opened)


def test_zh_amounts_use_wan_and_yi(case, tmp_path, open_page):
    opened = open_ready(open_page, _render(case, tmp_path, "overview"))
    opened.page.fill("#search", BENEFICIARY)
    opened.page.press("#search", "Enter")
    assert "¥30万" in opened.page.inner_text("#details")
    assert opened.page.evaluate("window.fundgraph.nodes.length") > N_PARTICIPANTS // 3
    assert_clean(opened)
