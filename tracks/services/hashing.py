"""Canonical JSON and the two digests published lists carry: SHA-256 and SM3 (GB/T 32905)."""

import hashlib
import json


def canonical_json(data) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sm3_hex(text: str) -> str:
    data = text.encode("utf-8")
    if "sm3" in hashlib.algorithms_available:
        return hashlib.new("sm3", data).hexdigest()
    # OpenSSL without SM3: the maintained pure-Python implementation gives the same digest.
    from gmssl import func, sm3

    return sm3.sm3_hash(func.bytes_to_list(data))
