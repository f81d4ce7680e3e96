CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
CREATE TABLE latest (user_id INTEGER PRIMARY KEY, name TEXT);
create trigger users_latest after update on users for each row begin
  replace into latest (user_id, name) values (new.id, new.name)
  ;
  delete from latest where name is null;
end;
