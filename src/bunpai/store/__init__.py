"""The registry database: a Django project used as an adapter around the pure code (作品データベース).

SQLite is the embedded default (a file under the user's data directory); PostgreSQL is the
production database, chosen by one setting: ``BUNPAI_DATABASE_URL`` (for example
``postgresql://user@host:5432/bunpai``). ``setup()`` configures Django once per process;
``migrate()`` creates or updates the tables.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

_ALIAS: contextvars.ContextVar[str] = contextvars.ContextVar("bunpai_database", default="default")


def data_dir() -> Path:
    """``$BUNPAI_DATA_DIR``, else ``$XDG_DATA_HOME/bunpai``, else ``~/.local/share/bunpai``."""
    explicit = os.environ.get("BUNPAI_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "bunpai"


def database_url() -> str:
    url = os.environ.get("BUNPAI_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / 'registry.sqlite3'}"


def database_config(url: str) -> dict[str, Any]:
    import dj_database_url

    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config["NAME"])
        if name not in ("", ":memory:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        config.setdefault("OPTIONS", {})
        # Wait for a concurrent writer rather than fail at once; WAL lets readers work during imports.
        config["OPTIONS"].setdefault("timeout", 30)
        if name not in ("", ":memory:"):
            config["OPTIONS"].setdefault(
                "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            )
    return config


def secret_key() -> str:
    """``$BUNPAI_SECRET_KEY``, else a random key generated once into the data directory (mode 0600)."""
    explicit = os.environ.get("BUNPAI_SECRET_KEY", "").strip()
    if explicit:
        return explicit
    path = data_dir() / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def setup(databases: Mapping[str, str] | None = None) -> None:
    """Configure Django for the registry (once per process) and load the app.

    ``databases`` maps aliases to URLs; by default ``{"default": database_url()}``.
    """
    import django
    from django.conf import settings

    if settings.configured:
        return
    urls = dict(databases or {"default": database_url()})
    from bunpai.web.settings import web_settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY=secret_key(),
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "bunpai.store.apps.RegistryConfig",
            "bunpai.intake.apps.IntakeConfig",
            "bunpai.broadcast.apps.BroadcastConfig",
            "bunpai.web.apps.WebConfig",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "bunpai.web.middleware.SecurityHeadersMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.template.context_processors.i18n",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "bunpai.web.context.navigation",
                    ]
                },
            }
        ],
        ROOT_URLCONF="bunpai.web.urls",
        DATABASES={alias: database_config(url) for alias, url in urls.items()},
        DATABASE_ROUTERS=["bunpai.store.routers.ContextRouter"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
        TIME_ZONE="Asia/Tokyo",
        STATIC_URL="static/",
        **web_settings(data_dir()),
    )
    django.setup()


def current_alias() -> str:
    """The database the registry services use now (``default`` unless :func:`using` says otherwise)."""
    return _ALIAS.get()


@contextlib.contextmanager
def using(alias: str) -> Iterator[str]:
    """Route every registry query inside the block to database ``alias``."""
    token = _ALIAS.set(alias)
    try:
        yield alias
    finally:
        _ALIAS.reset(token)


def migrate(verbose: bool = False, database: str | None = None) -> None:
    from django.core.management import call_command

    call_command(
        "migrate", database=database or current_alias(), verbosity=1 if verbose else 0, interactive=False
    )
