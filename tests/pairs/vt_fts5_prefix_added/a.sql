-- Results are the same; the extra prefix index shows in the size of docs_data.
CREATE VIRTUAL TABLE docs USING fts5(body);
