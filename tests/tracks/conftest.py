"""Fixtures of the tracks tests."""

import pytest


@pytest.fixture
def world(db):
    """The provincial portal's world of tests/tracks/portal_support.py."""
    from tests.tracks.portal_support import portal_world

    return portal_world()
