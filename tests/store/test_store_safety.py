"""A push never mixes two analyses, a pull never mixes two cases, a lost server is one line."""

from __future__ import annotations

import logging
import socket
import threading

import pytest

from fundgraph.case import load_case
from fundgraph.errors import StoreError
from fundgraph.store import pull_case, push_case
from tests.store.store_case import make_case, write_case

pytestmark = pytest.mark.neo4j


def _other_analysis(tmp_path):
    """The same accounts, analysed differently: other amounts, fewer transfers."""
    other = make_case()
    other.transfers = other.transfers.iloc[5:].reset_index(drop=True)
    other.transfers["transfer_id"] = range(len(other.transfers))
    other.transfers["amount"] = other.transfers["amount"] + 100
    return write_case(other, tmp_path / "other")


def _graph_counts(bolt, name):
    import neo4j

    with neo4j.GraphDatabase.driver(bolt["uri"], auth=(bolt["user"], bolt["password"])) as d:
        with d.session(database=bolt["database"]) as s:
            q = "MATCH ()-[t:TRANSFER {case: $case}]->() RETURN count(t) AS n, sum(t.amount_cents) AS c"
            r = s.run(q, case=name).single()
            return int(r["n"]), int(r["c"] or 0)


def test_a_different_analysis_under_the_same_name_is_refused_before_writing(
    bolt, case_name, case_dir, tmp_path
):
    push_case(case_dir, case_name, **bolt)
    before = _graph_counts(bolt, case_name)
    other_dir = _other_analysis(tmp_path)
    with pytest.raises(StoreError, match="different analysis.*--replace"):
        push_case(other_dir, case_name, **bolt)
    assert _graph_counts(bolt, case_name) == before  # nothing written
    back = pull_case(case_name, tmp_path / "back", **bolt)  # still complete and the same
    assert (back / "transfers.csv").read_bytes() == (case_dir / "transfers.csv").read_bytes()
    # the same case again is fine (idempotent), and --replace replaces it whole
    push_case(case_dir, case_name, **bolt)
    counts = push_case(other_dir, case_name, replace=True, **bolt)
    assert counts["transfers"] == 26
    back = pull_case(case_name, tmp_path / "back2", **bolt)
    assert (back / "transfers.csv").read_bytes() == (other_dir / "transfers.csv").read_bytes()


def test_an_interrupted_replace_is_finished_by_the_same_push_only(
    bolt, case_name, case_dir, tmp_path
):
    push_case(case_dir, case_name, **bolt)
    other_dir = _other_analysis(tmp_path)

    class Stop(Exception):
        pass

    def stop(stage, done, total):
        if stage == "transfers" and done:
            raise Stop

    with pytest.raises(Stop):
        push_case(other_dir, case_name, replace=True, batch_size=5, progress=stop, **bolt)
    # the half-written case is the new analysis only: the old one cannot come back into it
    with pytest.raises(StoreError, match="different analysis"):
        push_case(case_dir, case_name, **bolt)
    push_case(other_dir, case_name, **bolt)
    back = pull_case(case_name, tmp_path / "back", **bolt)
    assert (back / "transfers.csv").read_bytes() == (other_dir / "transfers.csv").read_bytes()


def test_pull_into_a_used_case_folder_leaves_nothing_of_the_old_case(
    bolt, case_name, case_dir, tmp_path
):
    push_case(case_dir, case_name, **bolt)
    out = tmp_path / "reused"
    old = make_case()
    old.restitution = old.participants[["account"]].assign(recovered_share=100)
    write_case(old, out)
    for name in ("graph.html", "report.html", "pyramid.html", "timeline-month.csv"):
        (out / name).write_text("old", encoding="utf-8")
    (out / "excel-zh").mkdir()
    (out / "excel-zh" / "transfers.csv").write_text("old", encoding="utf-8")
    pull_case(case_name, out, **bolt)
    left = sorted(p.name for p in out.iterdir())
    for name in (
        "restitution.csv",
        "graph.html",
        "report.html",
        "pyramid.html",
        "timeline-month.csv",
        "excel-zh",
    ):
        assert name not in left, name
    assert load_case(out).restitution is None


def test_pull_refuses_a_folder_that_is_not_a_case(bolt, case_name, case_dir, tmp_path):
    push_case(case_dir, case_name, **bolt)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "letter.docx").write_bytes(b"x")
    with pytest.raises(StoreError.__mro__[1], match="not empty"):
        pull_case(case_name, out, **bolt)
    assert [p.name for p in out.iterdir()] == ["letter.docx"]


class _CuttableProxy:
    """A TCP proxy in front of the Bolt server that can drop every connection at once."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.cut_off = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off:
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        """The server is gone: open connections reset, new ones closed at once."""
        self.cut_off = True
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_a_server_lost_mid_push_is_one_line(bolt, case_name, case_dir, monkeypatch, capfd):
    from click.testing import CliRunner

    import fundgraph.store.connection as store_connection
    from fundgraph.cli import group
    from fundgraph.cli import store as cli_store

    host, port = bolt["uri"].split("://", 1)[1].rsplit(":", 1)
    proxy = _CuttableProxy(host, int(port))
    monkeypatch.setattr(store_connection, "RETRY_SECONDS", 1)
    monkeypatch.setattr(store_connection, "CONNECT_SECONDS", 2)
    # as on a terminal with no logging set up: Python would print the driver's warnings
    monkeypatch.setattr(logging.root, "handlers", [])
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("NEO4J_USERNAME", bolt["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", bolt["password"])
    if bolt["database"]:
        monkeypatch.setenv("NEO4J_DATABASE", bolt["database"])
    make_report = cli_store._push_progress

    def cutting(progress):
        report = make_report(progress)

        def cut_in_transfers(stage, done, total):
            if stage == "transfers" and done:
                proxy.cut()
            return report(stage, done, total)

        return cut_in_transfers

    monkeypatch.setattr(cli_store, "_push_progress", cutting)
    try:
        result = CliRunner().invoke(
            group, ["push", str(case_dir), "--case", case_name, "--batch-size", "3"]
        )
    finally:
        proxy.close()
    err = capfd.readouterr().err
    text = (result.output + err).strip()
    assert result.exit_code == 1, text
    assert len(text.splitlines()) == 1, text
    assert "Neo4j" in text and "Traceback" not in text
