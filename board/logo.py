"""A board's logo: what an upload must be, judged by its content, and the
one form Assure keeps it in.

A logo is drawn on the cover of every annual report and scorecard the board
publishes, so it must be a real picture: a PNG or JPEG whose bytes say so
(never its name or the type the browser claims), small enough to upload
(`ASSURE_MAX_LOGO_BYTES`), of sensible dimensions, and decoding to the end.
SVG is refused: it is a program as much as a picture (scripts, links to
other files), and a raster logo is all a cover needs. What Assure keeps is
the picture drawn again as a PNG, at most `MAX_SIDE` pixels across: nothing
of the uploaded file's metadata (a camera's location, say) or trailing bytes
survives, and every report embeds the same small file.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
#: The largest side a logo is kept at, and the most pixels an upload may
#: have before Assure decodes it (a small file can claim a huge picture).
MAX_SIDE = 1200
MAX_PIXELS = 40_000_000
MIN_SIDE = 16


class LogoRefused(ValueError):
    """The upload is not a logo Assure can keep; the message says why."""


@dataclass(frozen=True)
class Logo:
    png: bytes
    width: int
    height: int


def _kind(data: bytes) -> str:
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if data.startswith(JPEG_SIGNATURE):
        return "JPEG"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        raise LogoRefused("The logo must be a PNG or JPEG image, not an SVG drawing.")
    raise LogoRefused("The logo must be a PNG or JPEG image.")


def read_logo(data: bytes, *, limit: int) -> Logo:
    """The upload as the PNG Assure keeps, or LogoRefused naming what is
    wrong with it."""
    from PIL import Image

    if not data:
        raise LogoRefused("The selected file is empty.")
    if len(data) > limit:
        raise LogoRefused(f"The logo must be smaller than {_size(limit)}.")
    kind = _kind(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise LogoRefused(
                        f"The logo is {width:,} by {height:,} pixels: it must have fewer than "
                        f"{MAX_PIXELS:,} pixels."
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[kind]) as opened:
                opened.load()
                picture = opened.convert("RGBA" if _has_alpha(opened) else "RGB")
    except LogoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise LogoRefused(
            f"The logo has too many pixels: it must have fewer than {MAX_PIXELS:,}."
        ) from bomb
    except (OSError, SyntaxError, ValueError) as broken:
        raise LogoRefused(
            f"The logo could not be read as a {kind} image: the file is damaged or incomplete."
        ) from broken
    if min(width, height) < MIN_SIDE:
        raise LogoRefused(f"The logo must be at least {MIN_SIDE} pixels wide and high.")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return Logo(out.getvalue(), picture.width, picture.height)


def _has_alpha(picture: object) -> bool:
    mode = getattr(picture, "mode", "")
    info = getattr(picture, "info", {})
    return mode in ("RGBA", "LA", "PA") or "transparency" in info


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    return f"{limit // 1024} KB" if limit >= 1024 else f"{limit} bytes"
