"""WSGI entry point for production servers: ``bunpai.web.wsgi:application``."""

from __future__ import annotations

from django.core.wsgi import get_wsgi_application

from bunpai.store import setup

setup()
application = get_wsgi_application()
