"""比对: matching other departments' records against household members."""
