"""Open data: the directory as CSV and JSON-LD, and the CSV import."""
