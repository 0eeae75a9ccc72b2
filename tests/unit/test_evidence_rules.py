"""What an evidence file is by its content, what its name may be kept and sent back as (app/assets/rules.py)."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.assets.model import EvidenceType
from app.assets.rules import NotEvidence, content_disposition, declared_type, evidence_type, safe_file_name, sniff


def office(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buffer.getvalue()


XLSX = office({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"})
DOCX = office({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>"})


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"\xff\xd8\xff\xe0rest", EvidenceType.jpeg),
        (b"\x89PNG\r\n\x1a\nrest", EvidenceType.png),
        (b"%PDF-1.7\nrest", EvidenceType.pdf),
        (XLSX, EvidenceType.xlsx),
        (DOCX, EvidenceType.docx),
        (b"GIF89a", None),
        (b"MZ\x90\x00", None),
        (b"<svg onload=alert(1)>", None),
        (b"%PDF", None),  # cut before the version
        (office({"a.txt": b"x"}), None),  # a zip that is no Office file
        (office({"[Content_Types].xml": b"<T/>", "ppt/presentation.xml": b"<p/>"}), None),  # a slide deck
        (b"PK\x03\x04" + b"\x00" * 30, None),  # not a zip
        (b"", None),
    ],
)
def test_a_file_is_what_its_first_bytes_say(content, kind):
    assert sniff(content) is kind


def test_macros_are_refused():
    for part in ("xl/vbaProject.bin", "word/vbaProject.bin"):
        book = office({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", part: b"\x00"})
        with pytest.raises(NotEvidence, match="macros"):
            sniff(book)


@pytest.mark.parametrize(
    ("filename", "content_type", "declared"),
    [
        ("照片.JPG", None, EvidenceType.jpeg),
        ("scan.jpeg", "application/octet-stream", EvidenceType.jpeg),
        ("x", "image/png", EvidenceType.png),
        ("x.pdf", "image/png; charset=binary", EvidenceType.png),  # the declared type wins over the name
        ("report", None, None),
        ("report.txt", "text/plain", None),
        (None, None, None),
    ],
)
def test_what_an_upload_says_it_is(filename, content_type, declared):
    assert declared_type(filename, content_type) is declared


def test_a_file_named_or_declared_otherwise_than_it_is_is_refused():
    assert evidence_type(XLSX, "台账.xlsx", "application/octet-stream") is EvidenceType.xlsx
    assert evidence_type(b"\xff\xd8\xff\xe0", "photo", None) is EvidenceType.jpeg
    with pytest.raises(NotEvidence, match="PNG file by its content, but named or declared as JPEG"):
        evidence_type(b"\x89PNG\r\n\x1a\n", "photo.jpg", None)
    with pytest.raises(NotEvidence, match="by its first bytes"):
        evidence_type(b"GIF89a", "photo.gif", "image/gif")


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("冷库 外景.jpg", "冷库 外景.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\赵\\合同.pdf", "合同.pdf"),
        ('a"b<c>d|e?.pdf', "a_b_c_d_e_.pdf"),
        ("line\r\nbreak\x00.png", "linebreak.png"),
        ("  spaced   out  .pdf", "spaced out .pdf"),
        ("\u202egnp.exe", "gnp.exe"),  # a right-to-left override is a format character: taken out
        ("...", "file"),
        ("", "file"),
        (None, "file"),
    ],
)
def test_a_file_name_is_kept_safe(name, safe):
    assert safe_file_name(name) == safe


def test_a_long_name_keeps_its_extension():
    kept = safe_file_name("照" * 300 + ".docx")
    assert len(kept) == 255 and kept.endswith(".docx")


@given(st.text(max_size=400))
def test_any_name_is_kept_without_folders_quotes_or_controls(name):
    kept = safe_file_name(name)
    assert 1 <= len(kept) <= 255
    assert not any(c in kept for c in '/\\"<>:|?*') and all(c.isprintable() or c == " " for c in kept)


@given(st.text(max_size=200), st.sampled_from(list(EvidenceType)))
def test_the_content_disposition_is_one_header_line_of_ascii(name, kind):
    header = content_disposition(12, kind, name)
    assert header.isascii() and "\r" not in header and "\n" not in header
    plain, _, encoded = header.partition("; filename*=UTF-8''")
    assert plain.startswith('attachment; filename="evidence-12.') and plain.count('"') == 2
    assert safe_file_name(unquote(encoded)) == unquote(encoded)  # the uploaded name, made safe, then encoded
