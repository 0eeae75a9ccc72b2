"""Spreadsheets: the import templates (one table of sheets and columns), the workbook writer, the downloads."""
