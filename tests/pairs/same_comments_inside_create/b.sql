CREATE TABLE users ( -- who can log in
    id INTEGER PRIMARY KEY, /* the rowid */
    name TEXT NOT NULL, -- display name
    email TEXT /* may be null */,
    CHECK (length(name) /* no empty names */ > 0)
);
CREATE INDEX users_email ON users (email) -- only real addresses
    WHERE email /* set */ IS NOT NULL;
CREATE VIEW named AS -- for the UI
    SELECT id, /* pk */ name FROM users;
CREATE TRIGGER users_touch AFTER UPDATE ON users
BEGIN
    -- forget the address on any change
    UPDATE users SET email = NULL /* cleared */ WHERE id = new.id;
END;
