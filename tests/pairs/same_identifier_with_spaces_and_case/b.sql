CREATE TABLE [order lines] (`line no` INTEGER PRIMARY KEY, qty INTEGER CHECK (QTY > 0));
CREATE INDEX [by qty] ON `order lines` (Qty);
