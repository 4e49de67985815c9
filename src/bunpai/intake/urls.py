"""URLs of the usage report pages, included by the web application (see :mod:`bunpai.web.plugins`)."""

from __future__ import annotations

from django.urls import path

from bunpai.intake import portal, staff

urlpatterns = [
    path("licensee/reports/", portal.reports, name="intake-reports"),
    path("licensee/reports/upload/", portal.report_upload, name="intake-upload"),
    path("licensee/reports/<int:pk>/", portal.report_detail, name="intake-report"),
    path("staff/reports/", staff.report_files, name="intake-staff-reports"),
    path("staff/reports/<int:pk>/", staff.report_file, name="intake-staff-report"),
    path("staff/queue/", portal.queue, name="intake-queue"),
    path("staff/queue/<int:pk>/decide/", portal.queue_decide, name="intake-decide"),
]
