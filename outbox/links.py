"""Secret links in messages, made at the moment a message is sent.

An invitation's link opens an account, so it is never written into the
message's record: the message keeps LINK_MARK where the link goes, and the
app that owns the link registers a maker here (in its AppConfig.ready) that
gives the link for an object's id, or None when it no longer works (the
invitation was cancelled or accepted), and then the message is not sent.
"""

from __future__ import annotations

from collections.abc import Callable

LinkMaker = Callable[[int], str | None]

_makers: dict[str, LinkMaker] = {}


def register(kind: str, maker: LinkMaker) -> None:
    _makers[kind] = maker


def make(kind: str, object_id: int) -> str | None:
    try:
        maker = _makers[kind]
    except KeyError:
        raise LookupError(f"No link maker is registered for {kind!r}.") from None
    return maker(object_id)
