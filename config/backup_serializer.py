"""JSON Lines for backups, with times to the microsecond.

Django's JSON encoder cuts times to milliseconds, which would change every audit event's time in a round trip;
this format keeps the full ISO 8601 value. Registered as ``ntrjsonl`` in SERIALIZATION_MODULES."""

import datetime

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()


Deserializer = jsonl.Deserializer
