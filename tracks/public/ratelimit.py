"""A fixed-window rate limit per client address, in the shared cache (Redis in production)."""

from django.core.cache import cache

from audit.services import client_ip


def rate_limited(request, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count this request against ``scope`` for the client's address; True once the window's limit is exceeded."""
    address = client_ip(request) or "unknown"
    key = f"ntr-rate:{scope}:{address}"
    if cache.add(key, 1, window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return False
    return count > limit
