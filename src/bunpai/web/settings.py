"""Django settings of the web application, added to the registry's by :func:`bunpai.store.setup`.

Everything that differs between a developer's machine and production comes from the environment:

``BUNPAI_SECRET_KEY``           the signing key (else generated once into the data directory)
``BUNPAI_ALLOWED_HOSTS``        comma-separated host names (default ``127.0.0.1,localhost``)
``BUNPAI_WEB_INSECURE``         ``1``: cookies without the Secure flag, for plain http on this computer
``BUNPAI_WEB_SSL_REDIRECT``     ``1``: redirect http to https (behind a proxy that sets X-Forwarded-Proto)
``BUNPAI_WEB_MAX_UPLOAD_MB``    the largest request body accepted (default 20)
``BUNPAI_WEB_INPUT_ROOTS``      folders (``:``-separated) staff may point a distribution at, besides
                                the data directory
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

WEB_DIR = Path(__file__).resolve().parent


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def max_upload_bytes() -> int:
    try:
        mb = int(os.environ.get("BUNPAI_WEB_MAX_UPLOAD_MB", "20"))
    except ValueError:
        mb = 20
    return max(1, mb) * 1024 * 1024


def web_settings(data_dir: Path) -> dict[str, Any]:
    secure = not _flag("BUNPAI_WEB_INSECURE")
    hosts = [h.strip() for h in os.environ.get("BUNPAI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
    roots = [data_dir] + [Path(p) for p in os.environ.get("BUNPAI_WEB_INPUT_ROOTS", "").split(":") if p]
    return {
        "ALLOWED_HOSTS": [h for h in hosts if h] + ["testserver"],
        "LANGUAGE_CODE": "ja",
        "LANGUAGES": [("ja", "日本語"), ("en", "English")],
        "LOCALE_PATHS": [str(WEB_DIR / "locale")],
        "USE_I18N": True,
        "LANGUAGE_COOKIE_NAME": "bunpai_language",
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": secure,
        "LOGIN_URL": "login",
        "LOGIN_REDIRECT_URL": "home",
        "LOGOUT_REDIRECT_URL": "login",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 8 * 3600,
        "CSRF_COOKIE_SECURE": secure,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "SECURE_HSTS_SECONDS": 31536000 if secure else 0,
        "SECURE_SSL_REDIRECT": _flag("BUNPAI_WEB_SSL_REDIRECT"),
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "X_FRAME_OPTIONS": "DENY",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 5 * 1024 * 1024,
        "DATA_UPLOAD_MAX_NUMBER_FILES": 20,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "BUNPAI_MAX_UPLOAD_BYTES": max_upload_bytes(),
        "MEDIA_ROOT": str(data_dir / "web"),
        "BUNPAI_INPUT_ROOTS": [str(r) for r in roots],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        ],
        "MESSAGE_STORAGE": "django.contrib.messages.storage.session.SessionStorage",
    }
