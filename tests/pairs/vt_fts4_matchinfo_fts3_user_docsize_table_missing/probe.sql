SELECT count(*) FROM docs_docsize;
