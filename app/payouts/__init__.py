"""收益: the money operators pay households under their links, reported as an append-only ledger."""
