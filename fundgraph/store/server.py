"""A throw-away local Bolt server for tests, benchmarks and examples.

ArcadeDB (the ``arcadedb-embedded`` wheel, which bundles its own Java runtime) speaks
the Neo4j Bolt protocol and enough Cypher for :mod:`fundgraph.store`. Its JVM
does not shut down cleanly at interpreter exit, so the server always runs in a child
process: ``python -m fundgraph.store.server ROOT`` starts it on loopback on free ports,
creates the database, prints one line ``READY <bolt_port> <http_port>`` and serves until
its standard input closes.

Examples
--------
>>> with LocalServer() as srv:                       # doctest: +SKIP
...     push_case(case, "demo", **srv.connection())
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["LocalServer", "free_port"]

#: Environment variable through which the child receives its root password
#: (never on the command line, where ``ps`` would show it).
PASSWORD_ENV = "FUNDGRAPH_LOCAL_SERVER_PASSWORD"
DATABASE = "fundgraph"
USER = "root"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """An ArcadeDB server with Bolt in a child process, removed again on :meth:`stop`.

    Parameters
    ----------
    root : path, optional
        Folder for the databases and logs; a temporary folder (deleted on stop) if omitted.
    database : str
        Name of the database to create.
    start_timeout : float
        Seconds to wait for the server to accept Bolt connections.
    heap : str, optional
        Maximum JVM heap, e.g. ``"4g"``.

    Attributes
    ----------
    uri, user, password, database : str
        What a driver needs to connect, once started.
    """

    def __init__(
        self,
        root: str | os.PathLike | None = None,
        *,
        database: str = DATABASE,
        start_timeout: float = 120.0,
        heap: str | None = None,
    ) -> None:
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="fg-bolt-"))
        self.database = database
        self.user = USER
        self.password = secrets.token_urlsafe(18)
        self.uri = ""
        self.start_timeout = start_timeout
        self.heap = heap
        self._proc: subprocess.Popen | None = None
        self._log_path = self.root / "server.log"
        self._lines: list[str] = []

    def connection(self) -> dict[str, str]:
        """Keyword arguments for :func:`~fundgraph.store.push_case` and friends."""
        return {
            "uri": self.uri,
            "user": self.user,
            "password": self.password,
            "database": self.database,
        }

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines the child wrote (for error messages)."""
        try:
            text = self._log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def start(self) -> LocalServer:
        """Start the child and wait until Bolt accepts connections."""
        self.root.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env[PASSWORD_ENV] = self.password
        cmd = [sys.executable, "-m", "fundgraph.store.server", str(self.root), self.database]
        if self.heap:
            cmd += ["--heap", self.heap]
        log = open(self._log_path, "ab")  # noqa: SIM115 - handed to the child
        try:
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=self.root,  # ArcadeDB writes ./log relative to the working folder
                env=env,
            )
        finally:
            log.close()
        ready = self._wait_ready()
        _, bolt_port, _http_port = ready.split()
        self.uri = f"bolt://127.0.0.1:{bolt_port}"
        self._wait_bolt(int(bolt_port))
        return self

    def _wait_ready(self) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        found: list[str] = []

        def read() -> None:
            assert self._proc is not None and self._proc.stdout is not None
            for raw in self._proc.stdout:
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("READY"):
                    found.append(line)
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        if not found:
            code = self._proc.poll()
            self.stop()
            state = f"exited with status {code}" if code is not None else "timed out"
            raise RuntimeError(
                f"local ArcadeDB server {state} before it was ready; its log:\n{self.log_tail()}"
            )
        return found[0]

    def _wait_bolt(self, port: int) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline or (self._proc and self._proc.poll() is not None):
                    self.stop()
                    raise RuntimeError(
                        f"local ArcadeDB server does not accept Bolt on port {port}; "
                        f"its log:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Ask the child to stop (close its stdin), kill it if it does not, remove a temp root."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, OSError):
                proc.kill()
                proc.wait(timeout=10)
            if proc.stdout:
                proc.stdout.close()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _serve(root: str, database: str, heap: str | None) -> int:
    """Body of the child process: start, create the database, report, wait for stdin EOF."""
    import arcadedb_embedded as arcadedb

    password = os.environ.pop(PASSWORD_ENV, "") or secrets.token_urlsafe(18)
    bolt_port, http_port = free_port(), free_port()
    server = arcadedb.ArcadeDBServer(
        str(Path(root).resolve() / "databases"),
        password,
        config={
            "host": "127.0.0.1",
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": bolt_port,
            "http_port": http_port,
        },
        jvm_kwargs={"heap_size": heap} if heap else None,
    )
    server.start()
    try:
        server.create_database(database)
        sys.stdout.write(f"READY {bolt_port} {http_port}\n")
        sys.stdout.flush()
        sys.stdin.read()  # returns when the parent closes the pipe or dies
    finally:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m fundgraph.store.server ROOT [DATABASE] [--heap SIZE]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    heap = None
    if "--heap" in args:
        i = args.index("--heap")
        heap = args[i + 1]
        del args[i : i + 2]
    if not args:
        sys.stderr.write("usage: python -m fundgraph.store.server ROOT [DATABASE] [--heap SIZE]\n")
        return 2
    root = args[0]
    database = args[1] if len(args) > 1 else DATABASE
    return _serve(root, database, heap)


if __name__ == "__main__":
    sys.exit(main())
