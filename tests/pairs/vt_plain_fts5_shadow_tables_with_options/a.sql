-- docs_data, docs_idx, docs_content, docs_docsize and docs_config belong to docs: never reported, whatever they hold.
CREATE VIRTUAL TABLE docs USING fts5(title, body, detail=column, prefix='2');
