"""Fixtures of the services' tests."""

import pytest

from tests.tracks.services.review_support import Desk


@pytest.fixture
def desk(db):
    return Desk()
