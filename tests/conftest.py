"""For every test: the audit key, the checkpoints file and the assets' evidence files live in a temporary
folder of this run, set before any settings are read, so no test needs a key of its own or writes into the
working copy (a server a test starts inherits the same variables)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_WITNESS = Path(tempfile.mkdtemp(prefix="chainaid-audit-witness-"))
atexit.register(shutil.rmtree, _WITNESS, ignore_errors=True)
os.environ.pop("CHAINAID_AUDIT_KEY", None)
os.environ["CHAINAID_AUDIT_KEY_FILE"] = str(_WITNESS / "audit.key")
os.environ["CHAINAID_AUDIT_CHECKPOINTS"] = str(_WITNESS / "audit-checkpoints.jsonl")
os.environ["CHAINAID_EVIDENCE_DIR"] = str(_WITNESS / "evidence")
