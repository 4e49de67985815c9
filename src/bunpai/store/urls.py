"""URLs of the registry's Django shell: the admin only (portals live elsewhere)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
