"""Security headers Django does not set itself, the request body limit, and who is acting (for the audit)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from bunpai.web.audit import acting_user

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The API's interactive documentation page loads its viewer from a CDN.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; object-src 'none'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit: int = settings.BUNPAI_MAX_UPLOAD_BYTES
        if length.isdigit() and int(length) > limit:
            return HttpResponse(
                _("The upload is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        user = getattr(request, "user", None)
        with acting_user(user if user is not None and user.is_authenticated else None):
            response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", DOCS_CSP if request.path.startswith("/api/docs") else CSP
        )
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
