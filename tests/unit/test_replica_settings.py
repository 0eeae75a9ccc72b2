"""The read replica's settings: optional, bounded, and only beside a DATABASE_URL."""

from __future__ import annotations

import pytest

from app.core.settings import load_settings


def test_no_replica_by_default_and_its_bounds_default_to_30_s():
    s = load_settings({})
    assert s.database_replica_url is None
    assert (s.replica_retry_seconds, s.primary_after_write_seconds) == (30, 30)


def test_a_replica_is_read_beside_the_primary():
    s = load_settings(
        {
            "DATABASE_URL": "postgresql://db1/chainaid",
            "DATABASE_REPLICA_URL": "postgresql://db2/chainaid",
            "CHAINAID_REPLICA_RETRY_SECONDS": "3600",
            "CHAINAID_PRIMARY_AFTER_WRITE_SECONDS": "0",
        }
    )
    assert (s.database_url, s.database_replica_url) == ("postgresql://db1/chainaid", "postgresql://db2/chainaid")
    assert (s.replica_retry_seconds, s.primary_after_write_seconds) == (3600, 0)


def test_a_replica_without_a_primary_url_is_refused():
    with pytest.raises(SystemExit, match="DATABASE_REPLICA_URL needs DATABASE_URL"):
        load_settings({"DATABASE_REPLICA_URL": "postgresql://db2/chainaid"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHAINAID_REPLICA_RETRY_SECONDS", "0"),
        ("CHAINAID_REPLICA_RETRY_SECONDS", "3601"),
        ("CHAINAID_PRIMARY_AFTER_WRITE_SECONDS", "-1"),
        ("CHAINAID_PRIMARY_AFTER_WRITE_SECONDS", "3601"),
    ],
)
def test_the_replica_bounds_are_bounded(name, value):
    with pytest.raises(SystemExit, match=name):
        load_settings({"DATABASE_URL": "postgresql://db1/chainaid", name: value})
