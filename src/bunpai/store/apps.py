from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "bunpai.store"
    label = "registry"
    verbose_name = "Registry (作品・権利者データベース)"
    default_auto_field = "django.db.models.BigAutoField"
