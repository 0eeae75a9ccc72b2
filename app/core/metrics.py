"""The app's own Prometheus figures: payouts recorded, claims approved, and the connection pool.

Request counts and latencies per route come from Litestar's Prometheus middleware (``app.core.metrics_endpoint``);
this module knows no web framework, so services may count what they committed. A counter is moved after
the unit of work has committed, never inside it: a rolled-back payout is not counted.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.core.database import pool_figures

PAYOUTS_RECORDED = Counter(
    "chainaid_payouts_recorded",
    "Payouts written to the ledger (a resend of one already recorded is not counted), by how they came",
    ["source"],
)
CLAIMS_APPROVED = Counter("chainaid_subsidy_claims_approved", "Subsidy claims approved (a voucher issued)")


class PoolCollector(Collector):
    """The asyncpg pool of this process, read when scraped: its size, idle and in-use connections, bounds."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = pool_figures()
        if figures is None:  # no pool (the app has not started, or has stopped)
            return
        for name, help_text, value in (
            ("chainaid_db_pool_size", "Connections the pool holds now", figures.size),
            ("chainaid_db_pool_idle", "Connections idle in the pool", figures.idle),
            ("chainaid_db_pool_in_use", "Connections lent out to requests", figures.size - figures.idle),
            ("chainaid_db_pool_min", "The pool's least size (CHAINAID_POOL_MIN)", figures.min_size),
            ("chainaid_db_pool_max", "The pool's greatest size (CHAINAID_POOL_MAX)", figures.max_size),
        ):
            yield GaugeMetricFamily(name, help_text, value=value)


POOL_COLLECTOR = PoolCollector()
REGISTRY.register(POOL_COLLECTOR)
