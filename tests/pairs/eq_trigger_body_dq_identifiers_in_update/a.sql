CREATE TABLE stock (id INTEGER PRIMARY KEY, qty INTEGER, touched INTEGER DEFAULT 0);
CREATE TRIGGER stock_touch AFTER UPDATE OF qty ON stock BEGIN UPDATE stock SET touched = touched + 1 WHERE id = new.id; END;
