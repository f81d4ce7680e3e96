CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, active INTEGER);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT, what TEXT);

create trigger "users_ins"
  after insert on [users]
  for each row
  when (NEW.active = 1)
begin
  insert into "audit"("at", `what`)
    values (DATETIME('now'), 'Insert: ' || NEW."name");
  update USERS set NAME = TRIM(name)
   where ID = new.id;
end;
