INSERT INTO docs_data VALUES (1, 12);
SELECT block, typeof(block) FROM docs_data;
