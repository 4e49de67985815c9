"""Test session set-up: the registry database for every test runs on SQLite and on PostgreSQL.

Django is configured once, before any test, with two databases: ``default`` (a SQLite file in a
temporary folder) and ``postgres`` (a fresh database on the PostgreSQL that
:func:`bunpai.store.testing.find_postgres` finds or starts). Tests that touch the registry take the
``registry_db`` fixture, which runs them once on each, inside a transaction rolled back after.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_STATE: dict[str, Any] = {}


def pytest_configure(config: pytest.Config) -> None:
    work = Path(tempfile.mkdtemp(prefix="bunpai-tests-"))
    os.environ["BUNPAI_DATA_DIR"] = str(work / "data")  # never the user's own registry
    os.environ.pop("BUNPAI_DATABASE_URL", None)
    _STATE["work"] = work


def pytest_unconfigure(config: pytest.Config) -> None:
    pg = _STATE.get("postgres")
    if pg is not None:
        from django.db import connections

        connections.close_all()
        pg.drop()
    shutil.rmtree(_STATE.get("work", ""), ignore_errors=True)


def _configure() -> None:
    if _STATE.get("configured"):
        return
    from bunpai.store import setup
    from bunpai.store.testing import find_postgres

    pg = find_postgres()
    pg.create()
    _STATE["postgres"] = pg
    setup({"default": f"sqlite:///{_STATE['work'] / 'registry.sqlite3'}", "postgres": pg.url})
    from bunpai.store import migrate

    migrate(database="default")
    migrate(database="postgres")
    _STATE["configured"] = True


@pytest.fixture(scope="session")
def registry_databases() -> dict[str, str]:
    _configure()
    pg = _STATE["postgres"]
    return {"sqlite": "default", "postgresql": "postgres", "postgres_source": pg.source}


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_db(request: pytest.FixtureRequest, registry_databases: dict[str, str]) -> Iterator[str]:
    """Run the test on one database (each in turn), rolled back afterwards."""
    from django.db import transaction

    from bunpai.store import using

    alias = registry_databases[request.param]
    with using(alias):
        atomic = transaction.atomic(using=alias)
        atomic.__enter__()
        try:
            yield alias
        finally:
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)
