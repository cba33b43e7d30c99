"""tools/bench: ratios, request lists and SQL counts for osc-image-props."""
