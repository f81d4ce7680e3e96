"""driftcheck: schema drift detection for SQLite databases."""

__version__ = "0.1.0"
