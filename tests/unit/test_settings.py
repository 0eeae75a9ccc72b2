"""Settings from the environment: defaults when unset, and a refusal naming the variable when out of bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.settings import load_settings


def test_defaults_when_nothing_is_set():
    s = load_settings({})
    assert (s.pool_min_size, s.pool_max_size, s.notice_days, s.continuation_years, s.revisit_days) == (1, 10, 7, 5, 30)
    assert (s.exit_incidence, s.watch_multiple) == (Decimal("0.02"), Decimal("1.5"))
    assert s.database_url is None and s.pgdata_dir.is_absolute()


def test_an_empty_variable_takes_the_default():
    assert load_settings({"CHAINAID_NOTICE_DAYS": ""}).notice_days == 7


def test_values_are_decoded_from_strings():
    s = load_settings(
        {
            "DATABASE_URL": "postgresql://x/y",
            "CHAINAID_POOL_MIN": "2",
            "CHAINAID_POOL_MAX": "2",
            "CHAINAID_NOTICE_DAYS": "90",
            "CHAINAID_CONTINUATION_YEARS": "0",
            "CHAINAID_EXIT_INCIDENCE": "0.9999",
            "CHAINAID_WATCH_MULTIPLE": "10",
            "CHAINAID_REVISIT_DAYS": "365",
            "CHAINAID_PGDATA": "data/pg",
        }
    )
    assert (s.pool_min_size, s.pool_max_size, s.notice_days, s.continuation_years, s.revisit_days) == (2, 2, 90, 0, 365)
    assert (s.exit_incidence, s.watch_multiple) == (Decimal("0.9999"), Decimal(10))
    assert s.database_url == "postgresql://x/y"
    assert s.pgdata_dir.is_absolute() and s.pgdata_dir.parts[-2:] == ("data", "pg")


def test_other_environment_entries_set_nothing():
    assert load_settings({"page_limit_max": "5", "notice_days": "1"}).page_limit_max == 500
    assert load_settings({"notice_days": "1"}).notice_days == 7


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHAINAID_POOL_MIN", "0"),
        ("CHAINAID_POOL_MIN", "101"),
        ("CHAINAID_POOL_MIN", "many"),
        ("CHAINAID_NOTICE_DAYS", "0"),
        ("CHAINAID_NOTICE_DAYS", "91"),
        ("CHAINAID_NOTICE_DAYS", "7.5"),
        ("CHAINAID_CONTINUATION_YEARS", "-1"),
        ("CHAINAID_CONTINUATION_YEARS", "21"),
        ("CHAINAID_EXIT_INCIDENCE", "0"),
        ("CHAINAID_EXIT_INCIDENCE", "-0.01"),
        ("CHAINAID_EXIT_INCIDENCE", "1"),
        ("CHAINAID_EXIT_INCIDENCE", "1.01"),
        ("CHAINAID_EXIT_INCIDENCE", "2%"),
        ("CHAINAID_EXIT_INCIDENCE", "NaN"),
        ("CHAINAID_EXIT_INCIDENCE", "Infinity"),
        ("CHAINAID_WATCH_MULTIPLE", "0.99"),
        ("CHAINAID_WATCH_MULTIPLE", "10.01"),
        ("CHAINAID_WATCH_MULTIPLE", "NaN"),
        ("CHAINAID_REVISIT_DAYS", "0"),
        ("CHAINAID_REVISIT_DAYS", "366"),
    ],
)
def test_out_of_range_values_stop_the_start_naming_the_variable(name, value):
    with pytest.raises(SystemExit, match=name):
        load_settings({name: value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHAINAID_POOL_MIN", "1"),
        ("CHAINAID_POOL_MIN", "100"),
        ("CHAINAID_NOTICE_DAYS", "1"),
        ("CHAINAID_CONTINUATION_YEARS", "20"),
        ("CHAINAID_EXIT_INCIDENCE", "0.0001"),
        ("CHAINAID_WATCH_MULTIPLE", "1"),
        ("CHAINAID_REVISIT_DAYS", "1"),
    ],
)
def test_bounds_themselves_are_accepted(name, value):
    load_settings({name: value, "CHAINAID_POOL_MAX": "100"})


def test_pool_max_below_min_is_refused_naming_both():
    with pytest.raises(SystemExit, match=r"CHAINAID_POOL_MAX .*CHAINAID_POOL_MIN"):
        load_settings({"CHAINAID_POOL_MIN": "5", "CHAINAID_POOL_MAX": "4"})
    assert load_settings({"CHAINAID_POOL_MIN": "5", "CHAINAID_POOL_MAX": "5"}).pool_max_size == 5


def test_the_refusal_shows_the_value_given():
    with pytest.raises(SystemExit, match="CHAINAID_REVISIT_DAYS='400'"):
        load_settings({"CHAINAID_REVISIT_DAYS": "400"})


def test_a_short_csrf_secret_is_refused_and_a_long_one_kept():
    with pytest.raises(SystemExit, match="CHAINAID_CSRF_SECRET"):
        load_settings({"CHAINAID_CSRF_SECRET": "too-short"})
    secret = "k" * 32
    assert load_settings({"CHAINAID_CSRF_SECRET": secret}).csrf_secret == secret
    assert load_settings({}).csrf_secret is None


def test_the_command_line_refuses_a_bad_setting_in_one_line_with_exit_code_2(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"CHAINAID_NOTICE_DAYS": "-3", "CHAINAID_PGDATA": str(tmp_path / "pgdata")}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "CHAINAID_NOTICE_DAYS" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "pgdata").exists()  # refused before any database was started


def test_the_audit_witness_files_default_beside_the_data_folder_not_in_it():
    s = load_settings({})
    assert s.audit_key is None and s.audit_checkpoint_seconds == 60
    assert s.audit_key_file.parent == s.pgdata_dir.parent == s.audit_checkpoints_file.parent
    assert not s.audit_key_file.is_relative_to(s.pgdata_dir)


@pytest.mark.parametrize("name", ["CHAINAID_AUDIT_KEY_FILE", "CHAINAID_AUDIT_CHECKPOINTS"])
def test_audit_witness_files_inside_the_data_folder_are_refused(name, tmp_path):
    with pytest.raises(SystemExit, match=f"{name} .* must be outside the data folder"):
        load_settings({"CHAINAID_PGDATA": str(tmp_path / "pg"), name: str(tmp_path / "pg" / "audit.key")})


@pytest.mark.parametrize("value", ["0", "61", "often"])
def test_the_checkpoint_interval_is_bounded(value):
    with pytest.raises(SystemExit, match="CHAINAID_AUDIT_CHECKPOINT_SECONDS"):
        load_settings({"CHAINAID_AUDIT_CHECKPOINT_SECONDS": value})


@pytest.mark.parametrize("name", ["CHAINAID_AUDIT_KEY", "CHAINAID_CSRF_SECRET"])
def test_a_short_secret_is_refused_without_echoing_it(name):
    with pytest.raises(SystemExit) as refused:
        load_settings({name: "hunter2"})
    assert name in str(refused.value) and "hunter2" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHAINAID_SHUTDOWN_SECONDS", "0"),
        ("CHAINAID_SHUTDOWN_SECONDS", "601"),
        ("CHAINAID_SHUTDOWN_SECONDS", "-5"),
        ("CHAINAID_HEADER_SECONDS", "0"),
        ("CHAINAID_HEADER_SECONDS", "61"),
        ("CHAINAID_HEADER_SECONDS", "2.5"),
    ],
)
def test_the_servers_bounds_are_bounded_themselves(name, value):
    with pytest.raises(SystemExit, match=name):
        load_settings({name: value})


def test_the_servers_bounds_default_to_20_s_for_a_stop_and_10_s_for_headers():
    s = load_settings({})
    assert (s.shutdown_seconds, s.header_seconds) == (20, 10)
    s = load_settings({"CHAINAID_SHUTDOWN_SECONDS": "600", "CHAINAID_HEADER_SECONDS": "1"})
    assert (s.shutdown_seconds, s.header_seconds) == (600, 1)
