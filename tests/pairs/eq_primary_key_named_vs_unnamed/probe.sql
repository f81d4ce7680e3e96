INSERT INTO pairs VALUES ('1', '2');
INSERT INTO pairs VALUES ('1', '2');
SELECT * FROM pairs;
