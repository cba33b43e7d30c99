"""One module per service: prepare (one-time setup), start, health."""
