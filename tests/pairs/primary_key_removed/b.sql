CREATE TABLE codes (code TEXT NOT NULL, label TEXT);
