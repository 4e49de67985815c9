"""Reference data: the CISAC society codes (the list django-music-publisher publishes)."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

from django.db import migrations


def load_societies(apps: Any, schema_editor: Any) -> None:
    society = apps.get_model("registry", "Society")
    text = resources.files("bunpai.formats.cwr").joinpath("societies.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.reader(text.splitlines()) if len(r) >= 2 and r[0].strip().isdigit()]
    db = schema_editor.connection.alias
    society.objects.using(db).bulk_create(
        [
            society(code=f"{int(r[0]):03d}", name=r[1].strip(), country=(r[2].strip() if len(r) > 2 else ""))
            for r in rows
        ],
        ignore_conflicts=True,
    )


def unload_societies(apps: Any, schema_editor: Any) -> None:
    apps.get_model("registry", "Society").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load_societies, unload_societies)]
