INSERT INTO users (id, name) VALUES (1, 'ann');
INSERT INTO audit (id, at, what) VALUES (1, '2024-01-01', 'x');
SELECT id, what FROM audit;
