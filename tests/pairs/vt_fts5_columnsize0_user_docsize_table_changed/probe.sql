INSERT INTO docs_docsize VALUES (1, '12');
SELECT words, typeof(words) FROM docs_docsize;
