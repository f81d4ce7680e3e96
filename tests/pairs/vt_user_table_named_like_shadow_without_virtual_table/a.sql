-- No virtual table docs exists: docs_data is an ordinary table.
CREATE TABLE docs_data (id INTEGER PRIMARY KEY, block BLOB);
