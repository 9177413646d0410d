"""How a reference row is named on a page in the reader's language: the one rule for regions, strategic areas,
fields and tracks.

Chinese pages show the Chinese name. English pages show a region's translated label (East, Central …) and the
English name of a row that has one (``name_en``: 京津冀 → Beijing-Tianjin-Hebei, 人工智能 → Artificial
intelligence); a row without one keeps its Chinese name, marked ``lang="zh-hans"`` by the template (``name_lang``).
Proper names without an English form (provinces, zones, list titles) stay Chinese.
"""

from django.utils import translation


def _chinese_page() -> bool:
    return (translation.get_language() or "zh").startswith("zh")


def _region_label(value) -> str | None:
    codes = getattr(type(value), "Code", None)
    if codes is None or not hasattr(value, "code"):
        return None
    try:
        return str(codes(value.code).label)
    except ValueError:
        return None


def local_name(value) -> str:
    """The name of ``value`` (a region, strategic area, field, track …) for the current language."""
    if value is None or value == "":
        return ""
    label = _region_label(value)
    if label is not None:
        return label
    name = getattr(value, "name", None)
    if name is None:
        return str(value)
    english = getattr(value, "name_en", "")
    if english and not _chinese_page():
        return english
    return name


def name_language(value) -> str:
    """The language ``local_name(value)`` is written in: ``en`` for an English name, ``zh-hans`` otherwise."""
    if _chinese_page() or value is None or value == "":
        return "zh-hans"
    if _region_label(value) is not None or getattr(value, "name_en", ""):
        return translation.get_language()
    return "zh-hans"
