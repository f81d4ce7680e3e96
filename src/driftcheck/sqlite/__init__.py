"""Reading schema structure from SQLite databases (pragmas and stored CREATE statements)."""
