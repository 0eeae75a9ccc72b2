"""Evidence attached to assets (issue 15, point 1): files kept outside the database by content hash, checked by
their first bytes and their size before anything is written, the same file kept once, downloaded byte for
byte with its type and a safe name; removal; who may attach and read."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from app.core.settings import get_settings
from tests.api.test_assets import make_asset, sign
from tests.chain_helpers import make_enterprise
from tests.db import fetch
from tests.registry_helpers import make_town
from tests.world import build_world

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 4 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office(kind: str, *, macros: bool = False) -> bytes:
    """A minimal Office Open XML package: a workbook (xlsx) or a document (docx)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
        if macros:
            z.writestr("xl/vbaProject.bin" if kind == "xlsx" else "word/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


@pytest.fixture
async def world(client, admin, auth) -> dict[str, Any]:
    w = await build_world(client, admin, auth, households=3)
    w = {**w, "admin": admin, "finance": await auth("finance"), "auditor": await auth("auditor")}
    w["asset"] = await make_asset(client, w)
    return w


def store() -> Path:
    return get_settings().evidence_dir


def stored_files() -> list[Path]:
    """Every file in the evidence store, the folder of files being written included."""
    return sorted(p for p in store().rglob("*") if p.is_file()) if store().exists() else []


@pytest.fixture(autouse=True)
def empty_store():
    for p in stored_files():
        p.unlink()
    yield


async def upload(client, headers, asset_id: int, content: bytes, name: str = "照片.jpg", **fields: Any):
    media = fields.pop("media_type", "application/octet-stream")
    return await client.post(
        f"/api/v1/assets/{asset_id}/evidence",
        files={"file": (name, content, media)},
        data={k: v for k, v in fields.items() if v is not None},
        headers=headers,
    )


def field_of(r) -> str | None:
    body = r.json()
    return body["errors"][0]["field"] if body.get("errors") else body.get("field")


async def test_a_photo_is_kept_by_its_hash_and_downloaded_byte_for_byte(client, world):
    asset_id = world["asset"]["id"]
    r = await upload(client, world["finance"], asset_id, JPEG, "冷库 外景.JPG", title="冷库外景", note="2024年5月拍摄")
    assert r.status_code == 201, r.text
    out = r.json()
    sha = hashlib.sha256(JPEG).hexdigest()
    assert (out["sha256"], out["size"], out["file_type"], out["media_type"]) == (sha, len(JPEG), "jpeg", "image/jpeg")
    assert (out["title"], out["original_name"], out["note"]) == ("冷库外景", "冷库 外景.JPG", "2024年5月拍摄")
    assert out["download"] == f"/api/v1/asset-evidence/{out['id']}/file" and out["removed_at"] is None
    # the file is outside the database, under its hash; the row keeps the hash and what the file is
    assert stored_files() == [store() / sha[:2] / sha[2:4] / sha]
    assert (store() / sha[:2] / sha[2:4] / sha).read_bytes() == JPEG
    row = (await fetch("SELECT * FROM asset_evidence"))[0]
    assert (row["sha256"], row["size"], row["file_type"], row["county_code"]) == (sha, len(JPEG), "jpeg", "429005")
    assert len(await fetch("SELECT 1 FROM audit_entry WHERE entity = 'asset_evidence' AND action = 'attach'")) == 1

    for reader in (world["auditor"], world["officer"], world["finance"]):
        got = await client.get(out["download"], headers=reader)
        assert got.status_code == 200, got.text
        assert got.content == JPEG
        assert got.headers["content-type"] == "image/jpeg"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"] == (
            f"attachment; filename=\"evidence-{out['id']}.jpg\"; filename*=UTF-8''{quote('冷库 外景.JPG', safe='')}"
        )
    listed = (await client.get(f"/api/v1/assets/{asset_id}/evidence", headers=world["officer"])).json()
    assert listed["total"] == 1 and listed["items"][0] == out
    assert (await client.get(f"/api/v1/asset-evidence/{out['id']}", headers=world["auditor"])).json() == out


@pytest.mark.parametrize(
    ("content", "name", "media", "kind"),
    [
        (PNG, "scan.png", "image/png", "png"),
        (PDF, "合同.pdf", "application/pdf", "pdf"),
        (office("xlsx"), "台账.xlsx", "application/octet-stream", "xlsx"),
        (office("docx"), "协议.docx", None, "docx"),
        (JPEG, "photo", "application/octet-stream", "jpeg"),  # no extension, no declared type: the content says
    ],
)
async def test_each_kind_taken(client, world, content, name, media, kind):
    fields = {} if media is None else {"media_type": media}
    r = await upload(client, world["finance"], world["asset"]["id"], content, name, **fields)
    assert r.status_code == 201, r.text
    assert r.json()["file_type"] == kind
    got = await client.get(r.json()["download"], headers=world["auditor"])
    assert got.content == content and got.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("content", "name", "media"),
    [
        (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 50, "photo.jpg", "image/jpeg"),  # a GIF named and declared a JPEG
        (b"MZ\x90\x00" + b"\x00" * 100, "report.pdf", "application/pdf"),  # a program named a PDF
        (b"<html><script>alert(1)</script></html>", "page.png", "image/png"),
        (PNG, "photo.jpg", "application/octet-stream"),  # a PNG named a JPEG
        (JPEG, "photo.jpg", "application/pdf"),  # a JPEG declared a PDF
        (office("xlsx", macros=True), "台账.xlsx", "application/octet-stream"),  # macros
        (b"PK\x03\x04" + b"\x00" * 60, "broken.docx", "application/octet-stream"),  # not a zip at all
        (office("xlsx")[:-30], "cut.xlsx", "application/octet-stream"),  # a workbook cut short
    ],
)
async def test_a_file_is_refused_by_its_content_and_nothing_is_written(client, world, content, name, media):
    r = await upload(client, world["finance"], world["asset"]["id"], content, name, media_type=media, title="x")
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field_of(r) == "file", r.text
    assert await fetch("SELECT 1 FROM asset_evidence") == []
    assert stored_files() == []


async def test_a_file_too_large_is_refused_and_nothing_is_written(client, world, monkeypatch):
    monkeypatch.setenv("CHAINAID_EVIDENCE_MAX_MB", "1")
    get_settings.cache_clear()
    try:
        limit = 1024 * 1024
        big = JPEG + b"\x00" * (limit - len(JPEG) + 1)  # one byte over
        r = await upload(client, world["finance"], world["asset"]["id"], big, "big.jpg")
        assert r.status_code == 400, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert field_of(r) == "file" and "1 MiB" in r.text
        assert await fetch("SELECT 1 FROM asset_evidence") == [] and stored_files() == []
        # at the limit it is taken
        r = await upload(client, world["finance"], world["asset"]["id"], big[:limit], "big.jpg")
        assert r.status_code == 201, r.text
        assert r.json()["size"] == limit
    finally:
        get_settings.cache_clear()


async def test_an_empty_file_or_none_is_refused(client, world):
    r = await upload(client, world["finance"], world["asset"]["id"], b"", "empty.jpg")
    assert r.status_code == 400 and field_of(r) == "file", r.text
    r = await client.post(
        f"/api/v1/assets/{world['asset']['id']}/evidence",
        files={"attachment": ("a.jpg", JPEG, "image/jpeg")},  # a multipart form without the field ``file``
        data={"title": "无文件"},
        headers=world["finance"],
    )
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json") and field_of(r) == "file"
    r = await upload(client, world["finance"], world["asset"]["id"], JPEG, title="x" * 201)
    assert r.status_code == 400 and field_of(r) == "title", r.text
    assert await fetch("SELECT 1 FROM asset_evidence") == [] and stored_files() == []


async def test_the_same_file_is_kept_once(client, world, admin):
    asset_id = world["asset"]["id"]
    first = await upload(client, world["finance"], asset_id, PDF, "合同.pdf", title="租赁合同")
    assert first.status_code == 201, first.text
    # sent again (a retry): the first record, no second row
    again = await upload(client, world["finance"], asset_id, PDF, "合同.pdf", title="租赁合同")
    assert again.status_code == 200 and again.json() == first.json()
    # the same file with another title: a clash naming the first
    other = await upload(client, world["finance"], asset_id, PDF, "合同.pdf", title="另一份")
    assert other.status_code == 409, other.text
    assert other.json()["existing_evidence_id"] == first.json()["id"]
    # the same file on another asset: its own record, the same stored file
    second_asset = await make_asset(client, world, name="第二冷库")
    elsewhere = await upload(client, world["finance"], second_asset["id"], PDF, "合同副本.pdf", title="租赁合同")
    assert elsewhere.status_code == 201, elsewhere.text
    assert elsewhere.json()["sha256"] == first.json()["sha256"] and elsewhere.json()["id"] != first.json()["id"]
    assert len(await fetch("SELECT 1 FROM asset_evidence")) == 2
    assert len(stored_files()) == 1
    for r in (first, elsewhere):
        assert (await client.get(r.json()["download"], headers=world["auditor"])).content == PDF


async def test_removed_evidence_stays_on_record_and_its_file_is_not_served(client, world):
    asset_id = world["asset"]["id"]
    out = (await upload(client, world["finance"], asset_id, JPEG, "身份证.jpg", title="误传")).json()
    r = await client.post(
        f"/api/v1/asset-evidence/{out['id']}/remove", json={"reason": "含身份证号"}, headers=world["officer"]
    )
    assert r.status_code == 403
    r = await client.post(f"/api/v1/asset-evidence/{out['id']}/remove", json={}, headers=world["finance"])
    assert r.status_code == 400
    r = await client.post(
        f"/api/v1/asset-evidence/{out['id']}/remove", json={"reason": "含身份证号"}, headers=world["finance"]
    )
    assert r.status_code == 200, r.text
    removed = r.json()
    assert removed["removed_reason"] == "含身份证号" and removed["removed_at"] is not None
    # resent: answered as it is; another reason: a conflict
    again = await client.post(
        f"/api/v1/asset-evidence/{out['id']}/remove", json={"reason": "含身份证号"}, headers=world["finance"]
    )
    assert again.status_code == 200 and again.json() == removed
    other = await client.post(
        f"/api/v1/asset-evidence/{out['id']}/remove", json={"reason": "x"}, headers=world["finance"]
    )
    assert other.status_code == 409
    got = await client.get(out["download"], headers=world["auditor"])
    assert got.status_code == 404 and got.headers["content-type"].startswith("application/problem+json")
    listed = (await client.get(f"/api/v1/assets/{asset_id}/evidence", headers=world["auditor"])).json()
    assert [i["removed_reason"] for i in listed["items"]] == ["含身份证号"]
    entry = (
        await fetch("SELECT before, after FROM audit_entry WHERE entity = 'asset_evidence' AND action = 'remove'")
    )[0]
    assert '"removed_at": null' in entry["before"].replace('":null', '": null') and "含身份证号" in entry["after"]
    # attached again afterwards: a new record of the same file
    r = await upload(client, world["finance"], asset_id, JPEG, "身份证.jpg", title="重新上传")
    assert r.status_code == 201 and r.json()["id"] != out["id"]


async def test_who_attaches_and_who_reads(client, world, admin, auth):
    asset_id = world["asset"]["id"]
    r = await upload(client, world["officer"], asset_id, JPEG)
    assert r.status_code == 403
    r = await upload(client, world["operator"], asset_id, JPEG)
    assert r.status_code == 403
    out = (await upload(client, world["admin"], asset_id, JPEG)).json()
    town_b = await make_town(client, admin, "乙镇")
    other_officer = await auth("town_officer", town_id=town_b)
    e2 = await make_enterprise(client, admin, town_b, 2)
    other_operator = await auth("operator", enterprise_id=e2)
    for url in (f"/api/v1/assets/{asset_id}/evidence", out["download"], f"/api/v1/asset-evidence/{out['id']}"):
        assert (await client.get(url, headers=other_officer)).status_code == 403, url
        assert (await client.get(url, headers=other_operator)).status_code == 403, url
        # the operator reads the evidence of the assets it runs, once it runs this one
        assert (await client.get(url, headers=world["operator"])).status_code == 403, url
    await sign(client, world, asset_id)
    assert (await client.get(out["download"], headers=world["operator"])).content == JPEG
    # a county's finance of another county does not attach to this one
    away = (await client.post("/api/v1/regions", json={"code": "429006", "name": "邻县"}, headers=admin)).json()
    finance_away = (
        await client.post(
            "/api/v1/accounts", json={"name": "邻县财政", "role": "finance", "region_id": away["id"]}, headers=admin
        )
    ).json()
    r = await upload(client, {"Authorization": f"Bearer {finance_away['token']}"}, asset_id, PNG, "x.png")
    assert r.status_code == 403
    assert len(await fetch("SELECT 1 FROM asset_evidence")) == 1
    r = await client.get("/api/v1/asset-evidence/999999/file", headers=world["auditor"])
    assert r.status_code == 404


async def test_evidence_is_attached_to_a_disposed_asset(client, world):
    await fetch("UPDATE asset SET status = 'disposed', disposed_on = '2024-05-01' WHERE id = $1", world["asset"]["id"])
    r = await upload(client, world["finance"], world["asset"]["id"], PDF, "处置批复.pdf")
    assert r.status_code == 201, r.text
