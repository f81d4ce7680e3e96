CREATE TABLE tasks (id INTEGER PRIMARY KEY, st TEXT);
CREATE UNIQUE INDEX tasks_one_per_state ON tasks (coalesce(st, 'new'));
