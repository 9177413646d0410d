"""Fixtures of the 精准性培育 tests."""

import pytest

from tests.cultivation.support import cultivation_world


@pytest.fixture
def world(db):
    """The cultivation world of tests/cultivation/support.py."""
    return cultivation_world()
