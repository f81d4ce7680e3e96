CREATE TABLE [parent] (`id` INTEGER PRIMARY KEY);
CREATE TABLE `items` ([id] INTEGER PRIMARY KEY, `parent_id` INTEGER REFERENCES [parent] (`id`), [qty] INTEGER CHECK ([qty] > 0));
CREATE INDEX [items_qty] ON `items` (`qty`) WHERE [qty] > 1;
CREATE VIEW `big` AS SELECT [id], `qty` FROM [items] WHERE `qty` > 10;
CREATE TRIGGER [items_ins] AFTER INSERT ON `items` BEGIN UPDATE [items] SET `qty` = [qty] WHERE `id` = new.[id]; END;
