"""Serializer fields of the API that bound what a client may send."""

import re

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
