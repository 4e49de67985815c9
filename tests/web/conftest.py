from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def _django_test_environment(registry_databases: dict[str, str]) -> Iterator[None]:
    """Template contexts on responses (Django's test instrumentation) for the web tests."""
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    yield
    teardown_test_environment()
