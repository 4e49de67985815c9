from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "bunpai.intake"
    label = "intake"
    verbose_name = "Usage reports (利用曲目報告)"
    default_auto_field = "django.db.models.BigAutoField"
