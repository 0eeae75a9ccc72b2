"""The log's last guard and the request id's rules, without a server."""

from __future__ import annotations

import io
import json
import logging

import pytest

from app.core.logs import REQUEST_ID, configure_logging, redact
from app.core.request_log import request_id_from
from tests.factories import resident_id


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("token ca_" + "x1_-" * 10, "token ca_[redacted]"),
        ("Authorization: Bearer abc.def-123456", "Authorization: Bearer [redacted]"),
        (f"member {resident_id(5)} exists", "member [id-number] exists"),
        ("old id 420521650304123 here", "old id [number] here"),
        ("card 6230901234567890123 refused", "card [number] refused"),
        ("phone 13812345678.", "phone [phone]."),
        ("id number 42900519650304001X!", "id number [id-number]!"),
    ],
)
def test_secrets_are_masked(text, masked):
    assert redact(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "payout 123456 of 12345678.00 on 2017-12-20",
        "request 6f1c0c4b9e2d4b7c8a3f0e5d2c1b0a99 took 8.41 ms",
        "registry no 429005000012",
        "GET /api/v1/households/{household_id} 200",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        (b"abc-123", True),
        (b"a" * 64, True),
        (b"Root=1-5759e988", False),
        (b"a" * 65, False),
        (b"", False),
        (b"with space", False),
        ("编号".encode(), False),
    ],
)
def test_a_client_request_id_is_kept_only_when_sane(header, kept):
    got = request_id_from([(b"host", b"x"), (b"X-Request-ID", header)])
    assert (got == header.decode("utf-8")) is kept
    if not kept:
        assert len(got) == 32 and int(got, 16) >= 0


def test_a_record_carries_the_request_id_and_its_fields_on_one_line():
    buffer = io.StringIO()
    handler = configure_logging("json", "info", stream=buffer)
    token = REQUEST_ID.set("rid-1")
    try:
        logging.getLogger("app.test").info("two\nlines", extra={"status": 201})
        try:
            raise ValueError(f"bad {resident_id(9)}")
        except ValueError:
            logging.getLogger("app.test").exception("failed")
    finally:
        REQUEST_ID.reset(token)
        logging.getLogger().removeHandler(handler)
    first, second = buffer.getvalue().splitlines()
    line = json.loads(first)
    assert line["message"] == "two\nlines" and line["request_id"] == "rid-1" and line["status"] == 201
    error = json.loads(second)
    assert error["level"] == "error" and "ValueError: bad [id-number]" in error["exception"]
