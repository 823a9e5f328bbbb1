"""Development tools kept apart from the production path: the offline fake Bot API, the console and the
crash-test spool. Production code never imports this package (tests/unit/test_layers.py checks it)."""
