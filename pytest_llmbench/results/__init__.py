"""Results: rows per sample, gathered on the controller, written as one JSON document."""
