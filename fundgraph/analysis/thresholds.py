"""Legal thresholds the case figures are tested against (China, 2022 standards)."""

from __future__ import annotations

from ..results import Threshold

__all__ = ["THRESHOLDS", "MONEY_METRICS", "evaluate_thresholds"]

WAN = 1_000_000  # 1万元 in cents

#: (key, metric, threshold) — money thresholds in cents, counts as int. Texts under
#: ``threshold.<key>.law|clause|note`` in the message catalogue.
THRESHOLDS: tuple[tuple[str, str, int], ...] = (
    ("176_amount", "total_absorbed", 100 * WAN),
    ("176_persons", "participant_persons", 150),
    ("176_loss", "direct_loss", 50 * WAN),
    ("176_amount_severe", "total_absorbed", 500 * WAN),
    ("176_persons_severe", "participant_persons", 500),
    ("176_loss_severe", "direct_loss", 250 * WAN),
    ("192_large", "direct_loss", 10 * WAN),
    ("192_huge", "direct_loss", 100 * WAN),
    ("224_members", "participant_persons", 30),
    ("224_levels", "levels", 3),
    ("224_members_serious", "participant_persons", 120),
    ("224_amount_serious", "total_absorbed", 250 * WAN),
)

#: Metrics in cents (the others are counts).
MONEY_METRICS = frozenset({"total_absorbed", "direct_loss"})


def evaluate_thresholds(figures: dict[str, int]) -> list[Threshold]:
    """Test the case figures against each threshold of 法释〔2022〕5号 and the 传销 standards.

    Parameters
    ----------
    figures : dict
        ``total_absorbed`` and ``direct_loss`` in cents, ``participant_persons`` and
        ``max_level`` (hops from the core; the core is level 0) as ints; with
        ``tree_members``, ``tree_levels`` and ``tree_amount`` (of the largest 传销
        recruitment tree) the 刑法第224条之一 rows use those instead.

    Returns
    -------
    list of Threshold
        One per row of :data:`THRESHOLDS`, in its order: ``key``, ``metric``, ``value``,
        ``threshold`` (cents for money, else counts) and ``met`` (``value >= threshold``);
        the texts of each (law, clause, note) are in the message catalogue.

    Examples
    --------
    >>> rows = evaluate_thresholds({"total_absorbed": 100_000_000, "direct_loss": 4_999_999,
    ...     "participant_persons": 149, "max_level": 2})
    >>> [(r.metric, r.met) for r in rows[:3]]
    [('total_absorbed', True), ('participant_persons', False), ('direct_loss', False)]
    >>> rows[0].value, rows[0].threshold
    (100000000, 100000000)
    >>> [r.met for r in rows if r.metric == "levels"]
    [True]

    Notes
    -----
    The figures come from bank statements only. The lower thresholds of 第三条第二款
    (50万元 absorbed / 25万元 loss together with an aggravating fact), the intent to defraud
    (以非法占有为目的) of 集资诈骗 and the recruitment relation of 传销 are facts the
    statements cannot show; each entry's ``note`` says so. Levels are counted including the
    organiser's: ``levels = max_level + 1``.

    References
    ----------
    .. [1] 最高人民法院《关于审理非法集资刑事案件具体应用法律若干问题的解释》
       (法释〔2022〕5号, 2022-03-01 施行), 第三条、第四条、第八条.
    .. [2] 《中华人民共和国刑法》第一百七十六条、第一百九十二条、第二百二十四条之一.
    .. [3] 最高人民检察院 公安部《关于公安机关管辖的刑事案件立案追诉标准的规定（二）》
       (2022) 第七十条; 最高人民法院 最高人民检察院 公安部《关于办理组织领导传销活动刑事
       案件适用法律若干问题的意见》(公通字〔2013〕37号) 第一条、第四条.
    """
    values = dict(figures)
    values["levels"] = (
        int(figures.get("max_level", 0)) + 1 if figures.get("participant_persons", 0) else 0
    )
    # 传销 rules are evaluated on the recruitment tree when one was found
    tree = {"participant_persons": "tree_members", "levels": "tree_levels",
            "total_absorbed": "tree_amount"}  # fmt: skip
    out = []
    for key, metric, threshold in THRESHOLDS:
        v = int(values.get(metric, 0))
        if key.startswith("224") and "tree_members" in figures:
            v = int(figures.get(tree[metric], 0))
        out.append(Threshold(key, metric, v, threshold, bool(v >= threshold)))
    return out
