INSERT INTO "order lines" ("line no", qty) VALUES (1, 3);
INSERT INTO "order lines" ("line no", qty) VALUES (2, 0);
SELECT "line no", qty FROM "order lines" INDEXED BY "by qty" WHERE qty = 3;
