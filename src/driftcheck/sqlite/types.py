"""SQLite's type affinity (datatype3.html, section 3.1)."""

from __future__ import annotations


def _upper(text: str) -> str:
    # SQLite folds ASCII letters only.
    return text.translate(_ASCII_UPPER)


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def affinity(declared: str) -> str:
    """Column affinity by SQLite's rules (datatype3.html, section 3.1), in order."""
    t = _upper(declared)
    if "INT" in t:
        return "INTEGER"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "TEXT"
    if "BLOB" in t or not t.strip():
        return "BLOB"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "REAL"
    return "NUMERIC"
