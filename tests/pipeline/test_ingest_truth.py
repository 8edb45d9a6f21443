"""End to end on generated cases: every row accounted for, transfers and totals exact."""

from __future__ import annotations

import pandas as pd
import pytest

from fundgraph.accounts import account_table
from fundgraph.ingest import build_transfers, read_exports
from fundgraph.money import cents
from fundgraph.synth import generate_case

SEEDS = (1, 2, 3)


@pytest.fixture(scope="module", params=SEEDS)
def generated(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"case{request.param}")
    truth = generate_case(out, seed=request.param, participants=120)
    ing = read_exports([out / "exports"], lang="en")
    transfers = build_transfers(ing.transactions)
    accounts = account_table(ing.transactions, transfers, ing.aliases)
    truth = {**truth, "_dir": out}
    return truth, ing, transfers, accounts


def test_conservation_per_file_and_in_all(generated):
    truth, ing, _, _ = generated
    f = ing.files
    assert (f["rows_read"] == f["rows_accepted"] + f["rows_rejected"]).all()
    assert ing.rows_read == truth["rows_read"]
    assert ing.rows_read == ing.rows_accepted + ing.rows_rejected
    assert len(ing.transactions) == ing.rows_accepted


def test_each_file_matches_truth(generated):
    truth, ing, _, _ = generated
    want = {(x["file"], x["sheet"]): x for x in truth["files"]}
    got = {(r.source_file, r.source_sheet): r for r in ing.files.itertuples()}
    assert set(got) == set(want)
    for key, w in want.items():
        g = got[key]
        assert (g.rows_read, g.rows_accepted, g.rows_rejected) == (
            w["rows_read"],
            w["rows_valid"],
            w["rows_junk"],
        ), key


def test_no_valid_row_rejected(generated):
    truth, ing, _, _ = generated
    assert ing.rows_accepted == truth["rows_valid"]
    assert ing.rows_rejected == truth["rows_junk"]
    assert set(ing.rejects["code"]) <= {
        "totals_line",
        "repeated_header",
        "failed_transaction",
        "no_amount",
        "no_time",
    }


def test_transfer_count_exact(generated):
    truth, _, transfers, _ = generated
    assert len(transfers) == truth["transfers"]


def test_transfers_equal_ground_truth(generated):
    truth, _, transfers, _ = generated
    tt = pd.read_csv(
        truth["_dir"] / "truth_transfers.csv",
        dtype={"src": str, "dst": str, "amount": str},
        keep_default_na=False,
    )
    want = sorted(zip(tt["src"], tt["dst"], tt["amount"].map(cents), strict=True))
    got = sorted(
        zip(transfers["src"], transfers["dst"], transfers["amount"].astype(int), strict=True)
    )
    assert got == want


def test_account_totals_exact(generated):
    truth, _, _, accounts = generated
    acc = accounts.set_index("account")
    for account, w in truth["accounts"].items():
        assert account in acc.index, account
        row = acc.loc[account]
        assert int(row["in_amount"]) == cents(w["in_amount"]), account
        assert int(row["out_amount"]) == cents(w["out_amount"]), account
        assert int(row["in_count"]) == w["in_count"], account
        assert int(row["out_count"]) == w["out_count"], account
        assert bool(row["obtained"]) == w["obtained"], account
    assert set(acc.index) == set(truth["accounts"])


def test_aliases_resolved(generated):
    truth, _, _, accounts = generated
    acc = accounts.set_index("account")
    for account, w in truth["accounts"].items():
        if w["aliases"]:
            assert set(acc.loc[account, "aliases"].split(";")) == set(w["aliases"]), account
