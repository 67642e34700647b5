"""Evidence files are judged by their content: real PDF, Word, Excel, PNG
and JPEG files pass; a program, a document with macros, an old binary Office
file, a file over the limit and one whose content is not what its name says
are refused with the reason."""

from __future__ import annotations

import pytest

from priorities.rounds.evidence import EvidenceRefused, check_evidence
from tests.priorities.round_helpers import (
    EXE,
    docx_bytes,
    jpeg_bytes,
    pdf_bytes,
    plain_zip,
    png_bytes,
    xlsx_bytes,
)

LIMIT = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type"),
    [
        ("minutes.pdf", pdf_bytes, "pdf", "application/pdf"),
        (
            "Audit Summary.DOCX",
            docx_bytes,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "figures.xlsx",
            xlsx_bytes,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("chart.png", png_bytes, "png", "image/png"),
        ("photo.jpg", jpeg_bytes, "jpeg", "image/jpeg"),
        ("photo.jpeg", jpeg_bytes, "jpeg", "image/jpeg"),
    ],
)
def test_it_keeps_the_kinds_evidence_comes_in(name, make, kind, content_type):
    found = check_evidence(name=name, data=make(), limit=LIMIT)
    assert (found.kind, found.content_type) == (kind, content_type)


def refused(name: str, data: bytes, limit: int = LIMIT, size: int | None = None) -> str:
    with pytest.raises(EvidenceRefused) as caught:
        check_evidence(name=name, data=data, limit=limit, size=size)
    return str(caught.value)


def test_it_refuses_a_program_renamed_pdf():
    assert refused("report.pdf", EXE) == (
        "report.pdf is a Windows program, not evidence: Assure does not keep programs."
    )


def test_it_refuses_a_linux_program_and_a_script():
    assert "a Linux program" in refused("report.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 40)
    assert "a script" in refused("notes.docx", b"#!/bin/sh\nrm -rf /\n")


def test_it_refuses_a_word_document_with_macros_whatever_its_name():
    for name in ("minutes.docm", "minutes.docx"):
        assert "can run macros" in refused(name, docx_bytes(macros=True))


def test_it_refuses_old_binary_office_files():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    assert "save it as .docx or .xlsx" in refused("minutes.doc", ole)


def test_it_refuses_a_file_whose_content_is_not_what_its_name_says():
    assert refused("figures.xlsx", docx_bytes()) == (
        "figures.xlsx is named as an Excel workbook but its content is a Word document: "
        "rename it or send the right file."
    )
    assert "named as a PDF but its content is a PNG image" in refused("scan.pdf", png_bytes())
    assert "named as a PNG image but its content is a JPEG" in refused("chart.png", jpeg_bytes())


def test_it_refuses_a_name_it_does_not_keep_even_with_good_content():
    assert "does not have the name of a file Assure keeps" in refused("minutes.exe", pdf_bytes())
    assert "does not have the name" in refused("minutes", pdf_bytes())


def test_it_refuses_a_zip_that_is_no_office_document_and_a_damaged_one():
    assert "a zip archive, not a Word or Excel document" in refused("a.docx", plain_zip())
    assert "damaged or unreadable" in refused("a.docx", b"PK\x03\x04" + b"\0" * 60)


def test_it_refuses_text_and_an_empty_file():
    assert "not a file Assure keeps" in refused("notes.pdf", b"just some text")
    assert refused("empty.pdf", b"") == "empty.pdf is empty."


def test_it_refuses_a_file_over_the_limit_naming_both_sizes():
    data = pdf_bytes() + b"\0" * 3000
    assert refused("big.pdf", data, limit=2048) == (
        f"big.pdf is {len(data) // 1024} KB; evidence files must be 2 KB or smaller."
    )
    # One not read at all (the form does not read a file over the limit).
    assert "is 12.0 MB" in refused("huge.pdf", b"", limit=LIMIT, size=12 * 1024 * 1024)


def test_the_limit_itself_is_allowed():
    data = pdf_bytes()
    assert check_evidence(name="a.pdf", data=data, limit=len(data)).kind == "pdf"


def test_a_path_in_the_name_is_not_repeated_back():
    assert refused("C:\\Users\\jo\\report.pdf", EXE).startswith("report.pdf is")
