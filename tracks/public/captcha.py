"""An image captcha drawn on this server, with the same code spoken for readers who cannot see it.

The ``captcha`` package (PyPI, BSD) draws the picture with its bundled DroidSansMono font and speaks the digits with
its bundled recordings (in English): no outside service, nothing fetched from elsewhere, nothing in the page but an
``<img>`` and an ``<audio>`` served by our own views (tracks/public/views.py), so the strict CSP holds.

The code (``LENGTH`` digits) is kept only in the session, which lives in the database: the page and the media URLs
carry a random challenge id, never the answer. A code answers once (checking uses it up, right or wrong), expires
after ``LIFETIME_SECONDS``, and is drawn at most ``IMAGE_RENDERS`` and spoken at most ``AUDIO_RENDERS`` times
(every drawing is a new distortion, so unlimited redrawing would help a machine reader); then the reader asks for a
new one. What it does not do: stop a person, or a determined program with good OCR or speech recognition; the
per-address limit (tracks/public/ratelimit.py) bounds what such a program can file.
"""

import hmac
import secrets
import time
import unicodedata

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha

from throttle.services import hit

SESSION_KEY = "ntr_captcha"
LIFETIME_SECONDS = 10 * 60
LENGTH = 5
IMAGE_RENDERS = 5
AUDIO_RENDERS = 3
IMAGE_SIZE = (200, 70)

_image = ImageCaptcha(width=IMAGE_SIZE[0], height=IMAGE_SIZE[1])
_audio = AudioCaptcha()


def _code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(LENGTH))


def captcha_new(request, purpose: str) -> str:
    """A fresh code for ``purpose`` (e.g. "objection-12"), replacing any earlier one; its challenge id."""
    challenge = secrets.token_urlsafe(12)
    store = request.session.get(SESSION_KEY, {})
    store[purpose] = {"id": challenge, "answer": _code(), "expires": time.time() + LIFETIME_SECONDS}
    request.session[SESSION_KEY] = store
    return challenge


def _current(request, purpose: str, challenge: str):
    item = request.session.get(SESSION_KEY, {}).get(purpose)
    if item is None or item["expires"] < time.time():
        return None
    if not hmac.compare_digest(str(item.get("id", "")), str(challenge or "")):
        return None
    return item


def _render(request, purpose, challenge, kind, renders, draw) -> bytes | None:
    item = _current(request, purpose, challenge)
    if item is None:
        return None
    if hit(f"captcha-{kind}", item["id"], window_seconds=LIFETIME_SECONDS) > renders:
        return None
    return draw(item["answer"])


def captcha_image(request, purpose: str, challenge: str) -> bytes | None:
    """The current code of ``purpose`` as a PNG, while ``challenge`` is current and has drawings left; else None."""
    return _render(
        request, purpose, challenge, "image", IMAGE_RENDERS, lambda code: _image.generate(code).getvalue()
    )


def captcha_audio(request, purpose: str, challenge: str) -> bytes | None:
    """The current code of ``purpose`` spoken (WAV), while ``challenge`` is current and has readings left."""
    return _render(
        request, purpose, challenge, "audio", AUDIO_RENDERS, lambda code: bytes(_audio.generate(code))
    )


def _normalised(given) -> str:
    # Full-width digits from a Chinese input method count as digits; spaces are ignored.
    return "".join(unicodedata.normalize("NFKC", str(given or "")).split())


def captcha_check(request, purpose: str, given) -> bool:
    """Whether ``given`` is the current code; the code is used up either way."""
    store = request.session.get(SESSION_KEY, {})
    item = store.pop(purpose, None)
    request.session[SESSION_KEY] = store
    if item is None or item["expires"] < time.time():
        return False
    return hmac.compare_digest(_normalised(given).encode(), str(item["answer"]).encode())
