"""The operations settings: log format and level, metrics, the PostgreSQL programs' folder."""

from __future__ import annotations

import pytest

from app.core.settings import InvalidSettings, load_settings


def test_defaults():
    s = load_settings({})
    assert (s.log_format, s.log_level, s.metrics, s.metrics_token, s.pg_bin) == ("auto", "info", "on", None, None)


def test_values_are_read():
    s = load_settings(
        {
            "CHAINAID_LOG_FORMAT": "text",
            "CHAINAID_LOG_LEVEL": "debug",
            "CHAINAID_METRICS": "off",
            "CHAINAID_METRICS_TOKEN": "t" * 16,
            "CHAINAID_PG_BIN": "/usr/lib/postgresql/16/bin",
        }
    )
    assert (s.log_format, s.log_level, s.metrics, s.metrics_token) == ("text", "debug", "off", "t" * 16)
    assert str(s.pg_bin) == "/usr/lib/postgresql/16/bin"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHAINAID_LOG_FORMAT", "xml"),
        ("CHAINAID_LOG_LEVEL", "verbose"),
        ("CHAINAID_METRICS", "yes"),
        ("CHAINAID_METRICS_TOKEN", "short"),
        ("CHAINAID_METRICS_TOKEN", "t" * 257),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(name, value):
    with pytest.raises(InvalidSettings) as refused:
        load_settings({name: value})
    assert name in str(refused.value)
