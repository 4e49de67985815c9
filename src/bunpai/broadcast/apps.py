from __future__ import annotations

from django.apps import AppConfig


class BroadcastConfig(AppConfig):
    name = "bunpai.broadcast"
    label = "broadcast"
    verbose_name = "Broadcast licences and distributions (放送等使用料)"
    default_auto_field = "django.db.models.BigAutoField"
