CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT check(x in ('a', 'b')));
