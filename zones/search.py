"""The site's one rule for finding a zone or a track by what a person types (public search, the portal's track
search and its nomination filter).

A query with Chinese characters matches as a substring of a name (人形, 中关村). A query without is read as Latin
letters and digits, with spaces and punctuation ignored, and matches a name read as *units*: one pinyin syllable
per Chinese character and one unit per Latin word or number (``AI大模型应用`` is ai · da · mo · xing · ying · yong).
The query must start at a unit and take whole units, each either spelt out or by its initial (``z``/``zh``), so
``renxing``, ``rxjqr``, ``jqr``, ``jiqiren`` and ``rxjiqiren`` all find 人形机器人, and ``xian`` finds 西安 as
xi · an; only the last unit may be left unfinished (``renxi``, a Latin word of three letters or more). ``ai`` is
therefore never found inside ``kaifaqu`` (kai · fa · qu), and a Latin word is matched as a word (``AI`` finds
``AI大模型应用``, not ``Aid``).

Results are ranked: an exact match first (the whole name, an alias, or its full pinyin or initials), then names
that start with the query, then names that contain it, then matches of other fields (aliases, city); the caller's
order decides within a rank.
"""

import re
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[a-z0-9]+")
TWO_LETTER_INITIALS = ("zh", "ch", "sh")
#: a Latin word may be left unfinished only from this many letters on (``rob`` finds robots, ``ai`` not aid)
LATIN_PREFIX_MIN = 3
#: an unfinished pinyin syllable at the end of the query needs this many letters (``renxi`` finds renxing)
SYLLABLE_PREFIX_MIN = 2

EXACT, NAME_START, NAME_INSIDE, OTHER = range(4)


@lru_cache(maxsize=16384)
def units(text: str) -> tuple[tuple[str, bool], ...]:
    """``text`` as typed in Latin letters: ``(unit, is_syllable)`` in order, a pinyin syllable per Chinese
    character and each Latin word or number as one unit (other characters are dropped)."""
    result = []
    position = 0
    text = (text or "").lower()
    for han in HAN.finditer(text):
        result.extend((word, False) for word in WORD.findall(text[position : han.start()]))
        result.extend((syllable, True) for syllable in lazy_pinyin(han.group()) if syllable)
        position = han.end()
    result.extend((word, False) for word in WORD.findall(text[position:]))
    return tuple(result)


def latin_key(term: str) -> str:
    """The letters and digits of a query without Chinese characters, lower case (``Ji Qi-Ren`` → ``jiqiren``)."""
    return "".join(WORD.findall((term or "").lower()))


def is_chinese(term: str) -> bool:
    return bool(HAN.search(term or ""))


def _initials(syllable: str) -> tuple[str, ...]:
    two = syllable[:2]
    if two in TWO_LETTER_INITIALS and len(syllable) > 2:
        return (syllable[0], two)
    return (syllable[0],) if len(syllable) > 1 else ()


def _takes(key: str, found: tuple, index: int, taken: int) -> bool:
    """Whether ``key`` is read by the units from ``index`` on (``taken`` units read before it)."""
    if not key:
        return True
    if index >= len(found):
        return False
    unit, syllable = found[index]
    if key.startswith(unit) and _takes(key[len(unit) :], found, index + 1, taken + 1):
        return True
    if syllable:
        for initial in _initials(unit):
            if key.startswith(initial) and _takes(key[len(initial) :], found, index + 1, taken + 1):
                return True
        return taken > 0 and len(key) >= SYLLABLE_PREFIX_MIN and unit.startswith(key)
    return len(key) >= LATIN_PREFIX_MIN and unit.startswith(key)


def latin_match(key: str, text: str) -> int | None:
    """The unit of ``text`` where ``key`` (see ``latin_key``) starts to match, or None."""
    if not key:
        return None
    found = units(text)
    for index in range(len(found)):
        if _takes(key, found, index, 0):
            return index
    return None


def _exact(term: str, key: str, text: str) -> bool:
    if not text:
        return False
    if term.casefold() == text.strip().casefold():
        return True
    if not key:
        return False
    found = units(text)
    spelt = "".join(unit for unit, _syllable in found)
    initials = "".join(unit[0] if syllable else unit for unit, syllable in found)
    return key in (spelt, initials)


def _position(term: str, key: str, text: str) -> int | None:
    """Where the query matches ``text``: 0 at its start, a larger number inside it, None nowhere."""
    if not text:
        return None
    if key:
        return latin_match(key, text)
    index = text.casefold().find(term.casefold())
    return None if index < 0 else index


def rank(term: str, names: Iterable[str], others: Iterable[str] = ()) -> int | None:
    """How well a row matches the query: EXACT, NAME_START, NAME_INSIDE or OTHER (lower is better), or None.

    ``names`` are the row's names (name, short name, English name), ``others`` what else may find it (aliases,
    city)."""
    term = (term or "").strip()
    if not term:
        return None
    key = "" if is_chinese(term) else latin_key(term)
    if not key and not is_chinese(term):
        return None
    names, others = [n for n in names if n], [o for o in others if o]
    if any(_exact(term, key, text) for text in (*names, *others)):
        return EXACT
    positions = [p for p in (_position(term, key, text) for text in names) if p is not None]
    if positions:
        return NAME_START if min(positions) == 0 else NAME_INSIDE
    if any(_position(term, key, text) is not None for text in others):
        return OTHER
    return None


def ranked(term: str, rows: Iterable[tuple]) -> list:
    """The keys of the rows that match, best first: ``rows`` are ``(key, names, others)`` in the caller's order,
    which decides within a rank."""
    scored = []
    for order, (pk, names, others) in enumerate(rows):
        found = rank(term, names, others)
        if found is not None:
            scored.append((found, order, pk))
    return [pk for _rank, _order, pk in sorted(scored)]


def order_by_keys(queryset, keys: list, limit: int | None = None) -> list:
    """The rows of ``queryset`` with these primary keys, in this order (at most ``limit``)."""
    keys = keys[:limit] if limit is not None else keys
    found = queryset.in_bulk(keys)
    return [found[pk] for pk in keys if pk in found]


def zone_rows(queryset) -> list[tuple]:
    """``(pk, names, others)`` of the zones in ``queryset``: name and short name; city."""
    return [
        (pk, (name, short_name), (city,))
        for pk, name, short_name, city in queryset.values_list("pk", "name", "short_name", "city")
    ]


def search_zones(queryset, term: str, limit: int | None = None) -> list:
    """The zones of ``queryset`` that match ``term``, best first (the queryset's order within a rank)."""
    return order_by_keys(queryset, ranked(term, zone_rows(queryset)), limit)
