CREATE TABLE prices (id INTEGER PRIMARY KEY, price REAL);
CREATE INDEX prices_price ON prices (+price);
