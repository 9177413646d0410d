"""An offline arithmetic captcha: a question made on the server, its answer kept in the session, one try each.

No external service, no image: the question is text (a screen reader reads it), e.g. "12 加 7 等于多少？".
It only slows automated filing down; the per-address rate limit (tracks/public/ratelimit.py) does the rest.
"""

import secrets
import time

from django.utils.translation import gettext as _

SESSION_KEY = "ntr_captcha"
LIFETIME_SECONDS = 20 * 60


def captcha_new(request, purpose: str) -> str:
    """A fresh question for ``purpose`` (e.g. "objection-12"); replaces any earlier one."""
    a = secrets.randbelow(20) + 1
    b = secrets.randbelow(20) + 1
    if secrets.randbelow(2):
        question = _("%(a)s 加 %(b)s 等于多少？") % {"a": a, "b": b}
        answer = a + b
    else:
        a, b = max(a, b), min(a, b)
        question = _("%(a)s 减 %(b)s 等于多少？") % {"a": a, "b": b}
        answer = a - b
    store = request.session.get(SESSION_KEY, {})
    store[purpose] = {"question": question, "answer": answer, "expires": time.time() + LIFETIME_SECONDS}
    request.session[SESSION_KEY] = store
    return question


def captcha_question(request, purpose: str) -> str | None:
    item = request.session.get(SESSION_KEY, {}).get(purpose)
    if item is None or item["expires"] < time.time():
        return None
    return item["question"]


def captcha_check(request, purpose: str, given) -> bool:
    """Whether ``given`` answers the current question; the question is used up either way."""
    store = request.session.get(SESSION_KEY, {})
    item = store.pop(purpose, None)
    request.session[SESSION_KEY] = store
    if item is None or item["expires"] < time.time():
        return False
    try:
        return int(str(given).strip()) == item["answer"]
    except (TypeError, ValueError):
        return False
