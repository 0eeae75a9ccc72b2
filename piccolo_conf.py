"""Piccolo configuration: one engine, one app registry (see app/*/piccolo_app.py)."""

from piccolo.conf.apps import AppRegistry

from app.core.database import piccolo_engine

# the database is found (or the embedded one started) when the engine first connects, not on import
DB = piccolo_engine()

# Order matters only for readability; migration_dependencies decide the real order.
APP_REGISTRY = AppRegistry(
    apps=[
        "app.audit.piccolo_app",
        "app.regions.piccolo_app",
        "app.registry.piccolo_app",
        "app.industries.piccolo_app",
        "app.enterprises.piccolo_app",
        "app.accounts.piccolo_app",
        "app.crosscheck.piccolo_app",
        "app.links.piccolo_app",
        "app.payouts.piccolo_app",
        "app.subsidies.piccolo_app",
        "app.pairing.piccolo_app",
        "app.monitoring.piccolo_app",
        "app.notices.piccolo_app",
        "app.console.piccolo_app",
        "app.imports.piccolo_app",
        "app.assets.piccolo_app",
    ]
)
