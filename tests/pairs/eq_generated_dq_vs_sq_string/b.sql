CREATE TABLE firms (id INTEGER PRIMARY KEY, name TEXT, label TEXT AS (coalesce(name, "Unknown")) STORED);
