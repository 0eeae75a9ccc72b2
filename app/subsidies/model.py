"""The subsidies domain's vocabulary: the values its records take, as enums (where the database CHECKs a
column's values, tests/api/test_enum_checks.py holds the CHECK to the enum)."""

from __future__ import annotations

import enum


class SchemeStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    closed = "closed"


class ClaimStatus(str, enum.Enum):
    filed = "filed"
    verified = "verified"
    approved = "approved"
    rejected = "rejected"


class VoucherStatus(str, enum.Enum):
    issued = "issued"
    in_payment = "in_payment"
    paid = "paid"
    cancelled = "cancelled"


class PaymentBatchStatus(str, enum.Enum):
    sent = "sent"  # the bank has the file
    reconciled = "reconciled"  # every line has the bank's answer


class PaymentResult(str, enum.Enum):
    pending = "pending"
    paid = "paid"
    failed = "failed"
