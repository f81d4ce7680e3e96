INSERT INTO items VALUES (1, 'a', 0), (2, 'b', 3);
SELECT * FROM v_items;
