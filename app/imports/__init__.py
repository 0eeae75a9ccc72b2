"""Taking a county in from its spreadsheets (issue 13): read, check every row, write all or nothing."""
