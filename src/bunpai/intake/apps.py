from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "bunpai.intake"
    label = "intake"
    verbose_name = "Usage reports (利用曲目報告)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from bunpai.web import plugins

        plugins.register_urls("", "bunpai.intake.urls")
        plugins.register_api("/reports", "bunpai.intake.api.router")
        plugins.register_nav(plugins.NavEntry("licensee", _("My reports"), "intake-reports", "web.licensee_portal", 20))
        plugins.register_nav(
            plugins.NavEntry("licensee", _("Upload a report"), "intake-upload", "web.licensee_portal", 30)
        )
        plugins.register_nav(
            plugins.NavEntry("staff", _("Identification queue"), "intake-queue", "intake.view_queueitem", 25)
        )
        plugins.register_nav(
            plugins.NavEntry("staff", _("Report files"), "intake-staff-reports", "intake.view_reportfile", 24)
        )
        plugins.register_role_permissions(
            "registry_editor",
            ["intake.view_queueitem", "intake.change_queueitem", "intake.view_reportfile", "intake.view_station"],
        )
