"""Real files made in the tests, for the evidence checks: a PDF, a Word
document, an Excel workbook, PNG and JPEG images, and the things a lead must
not send (a program renamed .pdf, a Word document with macros)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from PIL import Image


def pdf_bytes() -> bytes:
    """A one-page PDF, drawn by Pillow."""
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, format="PDF")
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="JPEG")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    """A workbook as Excel saves it, written by openpyxl."""
    book = Workbook()
    book.active.append(["Measure", "Value"])
    book.active.append(["Referrals", 120])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_WORD_MACROS = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(*, macros: bool = False) -> bytes:
    """The parts a Word document is made of, as Word writes them; with
    macros, the content type and the VBA project Word gives a .docm."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        overrides = f'<Override PartName="/word/document.xml" ContentType="{_WORD_MACROS if macros else _WORD_MAIN}"/>'
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>",
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Audit findings</w:t></w:r></w:p></w:body></w:document>",
        )
        if macros:
            package.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("notes.txt", "not a document")
    return out.getvalue()


#: The start of a Windows program (the DOS header and its stub).
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)
