"""A throw-away PostgreSQL 15 cluster for the test suite, on a Unix socket in a temp dir.

Started once per test session by the ``postgres_url`` fixture. As root it runs the server as
the ``postgres`` system user (PostgreSQL refuses to run as root); otherwise as the current user.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - starts the local PostgreSQL binaries only
import tempfile
from pathlib import Path

BIN_DIRS = ("/usr/lib/postgresql/15/bin",)


def find_bindir() -> Path | None:
    env = os.environ.get("LMS_TEST_PG_BINDIR")
    for d in ([env] if env else []) + list(BIN_DIRS):
        if d and (Path(d) / "initdb").exists() and (Path(d) / "pg_ctl").exists():
            return Path(d)
    return None


class PostgresServer:
    """A throw-away PostgreSQL server on a Unix socket. ``root`` keeps its data in a folder
    of one's own (reused by the next start, and kept by :meth:`stop`); ``durable`` keeps
    PostgreSQL's default fsync and synchronous commit (for benchmarks; tests turn them off)."""

    def __init__(self, bindir: Path, root: Path | None = None, durable: bool = False):
        self.bindir = bindir
        self.keep = root is not None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="lms-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.port = 55000 + os.getpid() % 1000
        self.as_root = os.geteuid() == 0
        self.durable = durable

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True)  # noqa: S603

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--no-locale", "--no-sync")
        opts = f"-k {self.sock} -p {self.port} -c listen_addresses='' -c max_connections=60"
        if not self.durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", str(self.sock), "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._run("dropdb", "-h", str(self.sock), "-p", str(self.port), "-U", "postgres",
                  "--if-exists", "--force", name)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@/{name}?host={self.sock}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            if not self.keep:
                shutil.rmtree(self.root, ignore_errors=True)
