from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bunpai.web"
    label = "web"
    verbose_name = "Web (ポータル)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bunpai.web import audit, roles

        audit.connect()
        post_migrate.connect(roles.on_post_migrate, sender=self)
