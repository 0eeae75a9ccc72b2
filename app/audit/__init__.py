"""The audit trail: ``from app import audit; await audit.record(...)`` in every write."""

from app.audit.service import record

__all__ = ["record"]
