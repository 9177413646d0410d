"""A fixed-window rate limit per client address: in the shared cache (Redis) when there is one, otherwise in the
database, so that every process of every server counts together (throttle.services)."""

from audit.services import client_ip
from throttle.services import over_limit


def rate_limited(request, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count this request against ``scope`` for the client's address; True once the window's limit is exceeded."""
    address = client_ip(request) or "unknown"
    return over_limit(scope, address, limit=limit, window_seconds=window_seconds)
