INSERT INTO codes (code, label) VALUES ('a', 'first');
INSERT INTO codes (code, label) VALUES ('a', 'second');
SELECT code, label FROM codes ORDER BY label;
