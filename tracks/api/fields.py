"""Serializer fields of the API that bound what a client may send."""

import re

from django.http import QueryDict
from rest_framework import serializers

from .filters import MAX_ID

DIGITS = re.compile(r"^\d{1,19}$")


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key sent as a JSON integer (or, in a form body, a string of digits) in [1, MAX_ID].

    Anything else is a 400 before the database is asked: ``1e400`` (which JSON parsing turns into an infinite
    float, a 500 at the database before), ``1.5`` or ``true`` (which would otherwise be truncated to an existing id),
    ``"1e3"``; a number past the range of an id column is an id that does not exist.
    """

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str):
            if not DIGITS.match(data.strip()):
                self.fail("incorrect_type", data_type="str")
            data = int(data.strip())
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


# ---------------------------------------------------------------------------------------------------------------
# JSON bodies carry the JSON types the schema gives (issue 17); form bodies, where every value is text, are read as
# before. A client generated from the schema sends these types; a value of another type is a 400 naming the field,
# never silently converted (``"12"`` for a count, ``12`` for a text).


def _json_body(field) -> bool:
    """Whether the body being validated came as JSON (a form or multipart body is a QueryDict of strings)."""
    data = getattr(field.root, "initial_data", None)
    return data is not None and not isinstance(data, QueryDict)


class StrictCharField(serializers.CharField):
    """Text: a JSON string (a number is refused, not turned into text)."""

    def to_internal_value(self, data):
        if _json_body(self) and not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A whole number: a JSON integer (``"12"``, ``true`` and ``12.5`` are refused)."""

    def to_internal_value(self, data):
        if _json_body(self) and (isinstance(data, bool) or not isinstance(data, int | float)):
            self.fail("invalid")
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIdRelatedField(IdRelatedField):
    """An id: a JSON integer in a JSON body, digits in a form body."""

    def to_internal_value(self, data):
        if _json_body(self) and isinstance(data, str):
            self.fail("incorrect_type", data_type="str")
        return super().to_internal_value(data)


class JsonDecimalField(serializers.DecimalField):
    """Money and rates: answered as a string with two decimals (exact); a request may send the string or a JSON
    number (documented as both, tracks.api.schema.JsonDecimalFieldExtension). ``true`` is refused."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)
