"""The audit trail: read and verified here; every write appends to it through its unit of work."""
