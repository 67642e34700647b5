"""What an evidence file is, read from its content, never from its name.

A lead's file goes to the business manager and the chair, who open it on
their own computers; so Assure keeps only the kinds a partnership's evidence
comes in (PDF, Word, Excel, PNG and JPEG images) and refuses anything else
with the reason: a program, a document that can carry macros, and a file
whose content is not what its name says it is. Old binary Word and Excel
files (.doc, .xls) are refused too: their macros cannot be told apart
without parsing the whole file, and Office saves them as .docx and .xlsx.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

#: The kinds Assure keeps: the content type it is served with, the names it may have.
KINDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "pdf": ("application/pdf", (".pdf",), "a PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        "a Word document",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        "an Excel workbook",
    ),
    "png": ("image/png", (".png",), "a PNG image"),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg"), "a JPEG image"),
}

#: What the names people may give say the content should be.
EXPECTED_BY_SUFFIX = {
    suffix: kind for kind, (_, suffixes, _) in KINDS.items() for suffix in suffixes
}

ACCEPTED = "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG"

#: The main part of an Office Open XML package, as [Content_Types].xml names it.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_MACRO_MARKS = ("macroenabled", "vbaproject", "application/vnd.ms-office.vbaproject")

#: Signatures of programs and scripts, which are never evidence.
_PROGRAMS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"#!", "a script"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: How much of [Content_Types].xml is read: a real one is a few kilobytes.
_MAX_CONTENT_TYPES = 256 * 1024


class EvidenceRefused(Exception):
    """Why a file is not kept, in words for the person who sent it."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    suffix: str


def check_evidence(*, name: str, data: bytes, limit: int, size: int | None = None) -> CheckedFile:
    """The file's kind from its content, if Assure keeps that kind and the
    name says the same; else EvidenceRefused with the reason. `size` is the
    file's size when its data was not read (it is over the limit)."""
    shown = PurePath(name.replace("\\", "/")).name or "The file"
    size = len(data) if size is None else size
    if size > limit:
        raise EvidenceRefused(
            f"{shown} is {_size(size)}; evidence files must be {_size(limit)} or smaller."
        )
    if not data:
        raise EvidenceRefused(f"{shown} is empty.")
    suffix = PurePath(name).suffix.lower()
    for signature, what in _PROGRAMS:
        if data.startswith(signature):
            raise EvidenceRefused(
                f"{shown} is {what}, not evidence: Assure does not keep programs."
            )
    kind = _kind_of(shown, data)
    if suffix not in EXPECTED_BY_SUFFIX:
        raise EvidenceRefused(
            f"{shown} does not have the name of a file Assure keeps: send a {ACCEPTED} file."
        )
    expected = EXPECTED_BY_SUFFIX[suffix]
    if kind != expected:
        raise EvidenceRefused(
            f"{shown} is named as {KINDS[expected][2]} but its content is {KINDS[kind][2]}: "
            "rename it or send the right file."
        )
    return CheckedFile(kind=kind, content_type=KINDS[kind][0], suffix=suffix)


def _kind_of(shown: str, data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(_OLE2):
        raise EvidenceRefused(
            f"{shown} is an old Word or Excel file (.doc, .xls), which can hold macros Assure "
            "cannot check: save it as .docx or .xlsx and send that."
        )
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(shown, data)
    raise EvidenceRefused(f"{shown} is not a file Assure keeps: send a {ACCEPTED} file.")


def _office_kind(shown: str, data: bytes) -> str:
    """Word or Excel from the package's own list of parts; a package that
    carries macros, or is no Office document at all, is refused."""
    not_office = f"{shown} is a zip archive, not a Word or Excel document."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = [info.filename.lower() for info in package.infolist()]
            try:
                info = package.getinfo("[Content_Types].xml")
            except KeyError:
                raise EvidenceRefused(not_office) from None
            if info.file_size > _MAX_CONTENT_TYPES:
                raise EvidenceRefused(not_office)
            with package.open(info) as part:
                content_types = part.read(_MAX_CONTENT_TYPES).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise EvidenceRefused(f"{shown} is a damaged or unreadable document.") from None
    lowered = content_types.lower()
    if any(mark in lowered for mark in _MACRO_MARKS) or any("vbaproject" in n for n in names):
        raise EvidenceRefused(
            f"{shown} can run macros: save it as a plain .docx or .xlsx without macros and "
            "send that."
        )
    for main, kind in _OOXML_MAIN.items():
        if main in lowered:
            return kind
    raise EvidenceRefused(not_office)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"
