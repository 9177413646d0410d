import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _default_language(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rolled-back tests may reuse primary keys (SQLite): a page cached by an earlier test must not answer for a
    # different row with the same id.
    cache.clear()
    yield
