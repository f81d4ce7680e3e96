-- An index on the expression +price is not an index on the column: WHERE price > 1 cannot use it.
CREATE TABLE prices (id INTEGER PRIMARY KEY, price REAL);
CREATE INDEX prices_price ON prices (price);
