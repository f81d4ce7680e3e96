CREATE   TABLE
    users (
        id      INTEGER   PRIMARY KEY,
        name    TEXT      NOT NULL   DEFAULT 'x',
        email   TEXT,
        CHECK ( length( name )  >  0 )
    );

CREATE INDEX users_email
    ON users ( lower( email ) )
    WHERE email IS NOT NULL;

CREATE VIEW named AS
    SELECT id,
           name
      FROM users
     WHERE name <> '';

CREATE TRIGGER users_touch
AFTER UPDATE OF name ON users
WHEN new.name <> old.name
BEGIN
    UPDATE users
       SET email = NULL
     WHERE id = new.id;
END;
