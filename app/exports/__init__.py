"""CSV exports of the main lists, with the same filters and the same access rules as the lists."""
