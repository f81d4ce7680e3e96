CREATE TABLE prices (id INTEGER PRIMARY KEY, amount DECIMAL(10, /* cents */ 2), label VARCHAR( /* chars */ 10));
