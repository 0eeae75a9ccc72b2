"""The figures a city reports, computed from the ledgers on demand."""
