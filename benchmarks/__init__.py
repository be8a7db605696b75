"""Speed measurements: ratios of our engine against a baseline measured in the same run."""
