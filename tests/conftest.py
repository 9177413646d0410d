import pytest


@pytest.fixture(autouse=True)
def _default_language(settings):
    settings.LANGUAGE_CODE = "zh-hans"
