"""JSON serialisation that keeps every microsecond.

Django's JSON encoder cuts times to the millisecond (as JavaScript reads
them), so an export taken from one database and loaded into another would
lose the rest, and a time whose milliseconds are zero would be written two
ways. export_data writes with this encoder instead; the file is plain
fixture JSON that loaddata reads as usual.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.serializers.json import Deserializer as Deserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]
        self.json_kwargs["cls"] = ExactEncoder
