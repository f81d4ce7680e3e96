INSERT INTO t (id) VALUES (1);
SELECT id, typeof(at), length(at), at LIKE '____-__-__ __:__:__', gone, typeof(gone) FROM t;
