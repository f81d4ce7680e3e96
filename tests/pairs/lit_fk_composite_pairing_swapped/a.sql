-- Same columns, but a now pairs with y and b with x: a different key.
CREATE TABLE p (x TEXT, y TEXT, PRIMARY KEY (x, y));
CREATE TABLE c (id INTEGER PRIMARY KEY, a TEXT, b TEXT, FOREIGN KEY (a, b) REFERENCES p (x, y));
