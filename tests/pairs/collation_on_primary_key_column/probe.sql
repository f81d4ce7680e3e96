INSERT INTO codes (code, label) VALUES ('abc', 'first');
INSERT INTO codes (code, label) VALUES ('ABC', 'second');
SELECT label FROM codes WHERE code = 'Abc' ORDER BY label;
SELECT code, label FROM codes ORDER BY code;
