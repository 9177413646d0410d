from tests.cultivation.support import world_fixture  # noqa: F401 - provides the `world` fixture
