"""Terminal output: failure descriptions, progress, the summary table."""
