"""The site's template filters, available in every template (settings: TEMPLATES builtins).

``isotime``: a machine-readable date or time for ``<time datetime>``, valid HTML (no microseconds), in Beijing time
with its offset. ``local_name``: a reference row's name in the page's language (zones.display).
"""

import datetime

from django import template
from django.utils import timezone

from zones.display import local_name as _local_name
from zones.display import name_language as _name_language

register = template.Library()


@register.filter
def isotime(value) -> str:
    """``2025-08-11T10:00:00+08:00`` for a date-time (in the current time zone, to the second), ``2025-08-11`` for a
    date, "" for nothing."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def local_name(value) -> str:
    """The row's English name on English pages where it has one (``name_en``, a region's label), else its name."""
    return _local_name(value)


@register.filter
def name_lang(value) -> str:
    """The language ``local_name`` gives the row's name in (for a ``lang`` attribute)."""
    return _name_language(value)
