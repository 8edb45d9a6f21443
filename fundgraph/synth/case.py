"""Write a synthetic case to disk: bank exports plus the ground truth they were drawn from."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..money import yuan
from .layouts import WRITERS, _Clock, _Ctx, _plain, xls_available
from .statements import LAYOUTS, assign_layouts, number_accounts, statement_rows
from .world import TRANSFER_KINDS, World, build_world

__all__ = ["generate_case", "participants_for_rows", "rows_for", "ALL_LAYOUTS"]

#: Every layout the generator can write.
ALL_LAYOUTS = tuple(LAYOUTS)

ROLE_OF_KIND = {
    "company": "core",
    "payout": "transit",
    "leader": "collector",
    "salesperson": "collector",
    "participant": "participant",
    "controller": "beneficiary",
    "relative": "beneficiary",
    "property": "beneficiary",
}
CHUNK_ROWS = 400_000
_K = {k: i for i, k in enumerate(TRANSFER_KINDS)}


def _probe(participants: int, obtained_share: float, months: int, seed: int) -> float:
    w = build_world(np.random.default_rng(seed), participants, obtained_share, months, "2021-03-01")
    # failed attempts, repeated headers and totals lines add about one per cent
    return float(w.transfers["src_obt"].sum() + w.transfers["dst_obt"].sum()) * 1.01


def _row_model(
    obtained_share: float, months: int, seed: int, near: int | None = None
) -> tuple[float, float]:
    """Statement rows as ``fixed + per_participant * participants``, from two small probes.

    Rows grow a little less than linearly (collector teams grow with the case), so with
    ``near`` the line is refitted through a probe close to the size asked for.
    """
    lo, hi = 600, 2400
    if near is not None and near > hi:
        lo, hi = hi, min(near, 15_000)
    a, b = _probe(lo, obtained_share, months, seed), _probe(hi, obtained_share, months, seed)
    per = (b - a) / (hi - lo)
    return a - per * lo, per


def participants_for_rows(
    target_rows: int, *, obtained_share: float = 0.3, months: int = 18, seed: int = 0
) -> int:
    """How many participants give a case of about ``target_rows`` statement rows.

    Parameters
    ----------
    target_rows : int
        Wanted number of statement rows over all exports (e.g. 100_000, 1_000_000).
    obtained_share, months, seed
        As for :func:`generate_case` (the share of obtained participants changes the ratio).

    Returns
    -------
    int
        Participants (persons) to pass to :func:`generate_case`.
    """
    fixed, per = _row_model(obtained_share, months, seed)
    n = (target_rows - fixed) / per
    if n > 2400:
        fixed, per = _row_model(obtained_share, months, seed, near=int(n))
        n = (target_rows - fixed) / per
    return max(10, int(round(n)))


def rows_for(
    participants: int, months: int = 18, *, obtained_share: float = 0.3, seed: int = 0
) -> int:
    """About how many statement rows a case of ``participants`` participants has."""
    fixed, per = _row_model(obtained_share, months, seed, near=participants)
    return int(round(fixed + per * participants))


def _prepare_out(out_dir: Path) -> None:
    exports = out_dir / "exports"
    if exports.exists():
        if not (out_dir / "truth.json").exists():
            raise FileExistsError(
                f"{exports} exists and is not a generated case; choose an empty folder"
            )
        shutil.rmtree(exports)
    out_dir.mkdir(parents=True, exist_ok=True)


def _write_statements(rng, world: World, st, allowed: list[str], root: Path) -> list[dict]:
    rows, meta = st.rows, st.meta
    records: list[dict] = []
    for lay in allowed:
        m = meta[meta["layout"] == lay].reset_index(drop=True)
        if m.empty:
            continue
        folder, writer = WRITERS[lay]
        offset = int(rng.integers(0, 1000))
        sizes = (m["hi"] - m["lo"]).to_numpy()
        i = 0
        while i < len(m):
            j = i
            total = 0
            while j < len(m) and (j == i or total + sizes[j] <= CHUNK_ROWS):
                total += sizes[j]
                j += 1
            part = m.iloc[i:j].copy()
            idx = np.concatenate(
                [np.arange(a, b) for a, b in zip(part["lo"], part["hi"], strict=True)]
            )
            sub = rows.iloc[idx].reset_index(drop=True)
            new_hi = np.cumsum(part["hi"].to_numpy() - part["lo"].to_numpy())
            part["lo"] = np.r_[0, new_hi[:-1]]
            part["hi"] = new_hi
            ctx = _Ctx(sub, part.reset_index(drop=True), root, folder, world.start, world.end, rng)
            records.extend(writer(ctx, offset + i))
            i = j
    return sorted(records, key=lambda r: (r["file"], r["sheet"]))


def _times(world: World, t: np.ndarray) -> np.ndarray:
    c = _Clock(world.start, t)
    return c.iso()


def _truth(world: World, records: list[dict], params: dict, seed: int) -> tuple[dict, str]:
    acc = world.accounts
    tr = world.transfers
    number = acc["number"].to_numpy()
    src, dst = tr["src"].to_numpy(), tr["dst"].to_numpy()
    amt, kind = tr["amount"].to_numpy(), tr["kind"].to_numpy()
    n = len(acc)
    sv, dv = src >= 0, dst >= 0
    in_amount = np.zeros(n, dtype=np.int64)
    out_amount = np.zeros(n, dtype=np.int64)
    np.add.at(in_amount, dst[dv], amt[dv])
    np.add.at(out_amount, src[sv], amt[sv])
    in_count = np.bincount(dst[dv], minlength=n)
    out_count = np.bincount(src[sv], minlength=n)
    kinds = acc["kind"].to_numpy()
    level = acc["level"].to_numpy().copy()
    dep = kind == _K["deposit"]
    plev = pd.Series(level[dst[dep]] + 1).groupby(src[dep]).min()
    level[plev.index.to_numpy()] = plev.to_numpy()
    seen = np.zeros(n, dtype=bool)
    seen[src[sv]] = True
    seen[dst[dv]] = True
    accounts = {}
    hn, hid = acc["holder_name"].to_numpy(), acc["holder_id"].to_numpy()
    alias, obt, lay = acc["alias"].to_numpy(), acc["obtained"].to_numpy(), acc["layout"].to_numpy()
    for i in np.flatnonzero(seen):
        k = kinds[i]
        role = ROLE_OF_KIND.get(k, "other")
        lv = int(level[i]) if level[i] >= 0 and role not in ("beneficiary", "other") else None
        accounts[number[i]] = {
            "role": role,
            "level": lv,
            "holder_name": hn[i],
            "holder_id": hid[i],
            "aliases": [alias[i]] if alias[i] else [],
            "obtained": bool(obt[i]),
            "kind": k,
            "layout": lay[i],
            "in_amount": yuan(in_amount[i]),
            "out_amount": yuan(out_amount[i]),
            "in_count": int(in_count[i]),
            "out_count": int(out_count[i]),
        }
    # participants
    back = np.isin(kind, [_K["interest"], _K["redemption"]])
    paid = (
        pd.DataFrame({"acct": src[dep], "a": amt[dep], "t": tr["t"].to_numpy()[dep]})
        .groupby("acct")
        .agg(paid=("a", "sum"), first=("t", "min"), last=("t", "max"))
    )
    got = pd.Series(amt[back]).groupby(dst[back]).sum()
    paid["back"] = got.reindex(paid.index).fillna(0).astype(np.int64)
    ids = paid.index.to_numpy()
    first = _times(world, paid["first"].to_numpy())
    last = _times(world, paid["last"].to_numpy())
    participants = {}
    for j, a in enumerate(ids):
        p, b = int(paid["paid"].iat[j]), int(paid["back"].iat[j])
        participants[number[a]] = {
            "person": hid[a],
            "paid_in": yuan(p),
            "received_back": yuan(b),
            "net_loss": yuan(p - b),
            "first_paid": first[j],
            "last_paid": last[j],
        }
    person = acc["holder_id"].to_numpy()[ids]
    per_person = pd.Series(paid["paid"].to_numpy() - paid["back"].to_numpy()).groupby(person).sum()
    direct_loss = int(per_person[per_person > 0].sum())
    # timeline
    t = tr["t"].to_numpy()
    day0 = np.datetime64(world.start.date())
    month = (day0 + (t // 86_400).astype("timedelta64[D]")).astype("datetime64[M]")
    dm = pd.Series(amt[dep]).groupby(month[dep]).sum()
    bm = pd.Series(amt[back]).groupby(month[back]).sum()
    both = pd.concat([dm.rename("d"), bm.rename("b")], axis=1, sort=True).fillna(0)
    exceeds = both.index[both["b"] > both["d"]]
    last_back = int(t[back].max()) if back.any() else 0
    collapse = str(day0 + np.timedelta64(last_back // 86_400, "D"))
    levels = [v["level"] for v in accounts.values() if v["level"] is not None]

    def numbers_of(k):
        return sorted(number[i] for i in np.flatnonzero(seen & (kinds == k)))

    obt_sides = np.where(
        tr["src_obt"] & tr["dst_obt"], "both", np.where(tr["src_obt"], "src", "dst")
    )
    header = "src,dst,amount,time,kind,obtained_sides"
    lines = (
        np.where(sv, number[np.where(sv, src, 0)], "").astype(object) + ","
        + np.where(dv, number[np.where(dv, dst, 0)], "").astype(object) + ","
        + _plain(amt) + "," + _times(world, t) + ","
        + np.array(TRANSFER_KINDS, dtype=object)[kind] + "," + obt_sides.astype(object)
    )  # fmt: skip
    csv = "\n".join([header, *lines.tolist()]) + "\n"
    truth = {
        "seed": seed,
        "params": params,
        "files": records,
        "rows_read": sum(r["rows_read"] for r in records),
        "rows_valid": sum(r["rows_valid"] for r in records),
        "rows_junk": sum(r["rows_junk"] for r in records),
        "transfers": len(tr),
        "accounts": dict(sorted(accounts.items())),
        "participants": dict(sorted(participants.items())),
        "total_absorbed": yuan(int(paid["paid"].sum())),
        "participant_persons": int(len(set(person))),
        "participant_accounts": len(participants),
        "direct_loss": yuan(direct_loss),
        "max_level": max(levels) if levels else 0,
        "collapse_date": collapse,
        "last_deposit": _times(world, np.array([int(t[dep].max())]))[0],
        "payout_exceeds_deposits_month": str(exceeds[0])[:7] if len(exceeds) else None,
        "interest_rate_monthly": f"{world.rate_bp / 10_000:.4f}",
        "noise": {
            "shop": numbers_of("shop"),
            "employer": numbers_of("employer"),
            "landlord": numbers_of("landlord"),
            "merchant": numbers_of("merchant"),
            "supplier": numbers_of("supplier"),
        },
    }
    return truth, csv


def generate_case(
    out_dir: str | os.PathLike,
    *,
    seed: int = 0,
    participants: int = 300,
    obtained_share: float = 0.3,
    months: int = 18,
    start: str = "2021-03-01",
    scale_rows: int | None = None,
    layouts: list[str] | tuple[str, ...] | None = None,
) -> dict:
    """Write a synthetic Ponzi case's bank exports and its ground truth.

    Parameters
    ----------
    out_dir : path
        Folder to write into: ``exports/`` (one sub-folder per bank layout),
        ``truth.json`` and ``truth_transfers.csv``. A previous generated case there is
        replaced; any other existing ``exports/`` folder is an error.
    seed : int
        Everything (counts, amounts, times, names, layouts) follows from it; the same
        seed writes byte-identical files.
    participants : int
        Participant persons (a few hold two cards, so accounts are slightly more).
    obtained_share : float
        Share of participants whose statements were obtained.
    months : int
        Length of the statement period; recruitment stops 45–75 days before its end.
    start : str
        First day of the statement period.
    scale_rows : int, optional
        Ask for about this many statement rows instead (overrides ``participants``).
    layouts : list of str, optional
        Restrict the layouts used (names in :data:`ALL_LAYOUTS`).

    Returns
    -------
    dict
        The ground truth, as written to ``truth.json`` (see the package docstring): the
        statement files and their row counts, every account's role and level, each
        participant's paid-in, received-back and net loss (yuan text), the case figures
        (``total_absorbed``, ``participant_persons``, ``direct_loss``, ``max_level``) and
        the key dates.

    Raises
    ------
    ValueError
        ``months`` below 3, ``obtained_share`` outside 0–1, or an unknown layout.
    FileExistsError
        An ``exports/`` folder in ``out_dir`` without the ``truth.json`` of a generated
        case beside it.
    RuntimeError
        ``layouts`` is only ``["xls"]`` and the xlwt package is missing (with other
        layouts the ``.xls`` files are left out instead).

    See Also
    --------
    fundgraph.synth.typologies.generate_typology_case : the second generator (transfers
        drawn from the typologies' descriptions, no files).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> truth = generate_case(tmp.name, seed=1, participants=10, months=3)
    >>> sorted(p.name for p in Path(tmp.name).iterdir())
    ['exports', 'truth.json', 'truth_transfers.csv']
    >>> truth["participant_persons"], truth["participant_accounts"], truth["max_level"]
    (10, 11, 3)
    >>> truth["total_absorbed"], truth["direct_loss"], truth["collapse_date"]
    ('1330000.00', '1309528.00', '2021-05-19')
    >>> truth["rows_read"], truth["rows_valid"] + truth["rows_junk"], len(truth["files"])
    (776, 776, 22)
    >>> tmp.cleanup()
    """
    if months < 3:
        raise ValueError(f"months must be at least 3 (got {months})")
    if not 0 <= obtained_share <= 1:
        raise ValueError(f"obtained_share must be between 0 and 1 (got {obtained_share})")
    out = Path(out_dir)
    allowed = list(layouts) if layouts else list(ALL_LAYOUTS)
    unknown = [x for x in allowed if x not in LAYOUTS]
    if unknown:
        raise ValueError(f"unknown layout(s) {unknown}; choose from {list(ALL_LAYOUTS)}")
    xls_skipped = False
    if "xls" in allowed and not xls_available():
        allowed.remove("xls")
        xls_skipped = True
        if not allowed:
            raise RuntimeError("the xls layout needs the xlwt package (pip install xlwt)")
    if scale_rows:
        participants = participants_for_rows(
            scale_rows, obtained_share=obtained_share, months=months
        )
    _prepare_out(out)
    rng = np.random.default_rng(seed)
    world = build_world(rng, participants, obtained_share, months, start)
    layout = assign_layouts(rng, world, allowed)
    number_accounts(rng, world, layout)
    st = statement_rows(rng, world)
    records = _write_statements(rng, world, st, allowed, out / "exports")
    params = {
        "participants": int(participants),
        "obtained_share": obtained_share,
        "months": months,
        "start": str(pd.Timestamp(start).date()),
        "scale_rows": scale_rows,
        "layouts": allowed,
        "xls_skipped": xls_skipped,
        "files_relative_to": "exports",
    }
    truth, csv = _truth(world, records, params, seed)
    # indented for reading when small; compact (and much faster) for benchmark-sized cases
    indent = 1 if len(truth["accounts"]) <= 20_000 else None
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8"
    )
    (out / "truth_transfers.csv").write_text(csv, encoding="utf-8")
    return truth
