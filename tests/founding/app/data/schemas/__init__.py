"""The founding app's schema registry, rebuilt for driftcheck's tests (tests/founding)."""
