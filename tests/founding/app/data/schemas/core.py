"""The core schema, versions 1 to 13, as the app registered them."""

from __future__ import annotations

from app.data.schemas.base import SchemaVersion, register_schema

CORE_SCHEMA = register_schema("core")(
    {
        1: SchemaVersion(
            version=1,
            name="Initial Core Schema",
            description="Users and their authentication",
            sql_statements=[
                """
                CREATE TABLE IF NOT EXISTS users (
                    uuid TEXT PRIMARY KEY,
                    full_name TEXT NOT NULL,
                    nickname TEXT,
                    user_type TEXT DEFAULT 'parent',
                    is_active BOOLEAN DEFAULT TRUE,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
                )
                """,
                "CREATE INDEX IF NOT EXISTS idx_users_type ON users(user_type)",
            ],
            rollback_statements=[
                "DROP INDEX IF EXISTS idx_users_type",
                "DROP TABLE IF EXISTS users",
            ],
        ),
        2: SchemaVersion(
            version=2,
            name="Logs",
            description="Structured log records",
            sql_statements=[
                """
                CREATE TABLE logs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    timestamp TEXT NOT NULL,
                    level TEXT NOT NULL,
                    subsystem TEXT,
                    message TEXT
                )
                """,
                "CREATE INDEX idx_logs_timestamp ON logs(timestamp)",
            ],
            rollback_statements=["DROP TABLE logs"],
        ),
        3: SchemaVersion(
            version=3,
            name="Facts metadata",
            description="Facts the assistant learned about a user",
            sql_statements=[
                """
                CREATE TABLE facts_metadata (
                    fact_id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(uuid) ON DELETE CASCADE,
                    content TEXT NOT NULL,
                    confidence REAL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
                )
                """,
                "CREATE INDEX idx_facts_user ON facts_metadata(user_id)",
            ],
            rollback_statements=["DROP TABLE facts_metadata"],
        ),
        4: SchemaVersion(
            version=4,
            name="User PIN",
            description="A PIN hash for local authentication",
            sql_statements=["ALTER TABLE users ADD COLUMN pin_hash TEXT"],
            rollback_statements=["ALTER TABLE users DROP COLUMN pin_hash"],
        ),
        5: SchemaVersion(
            version=5,
            name="Events",
            description="The event log",
            sql_statements=[
                """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    user_id TEXT REFERENCES users(uuid),
                    kind TEXT NOT NULL,
                    payload TEXT,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
                )
                """
            ],
            rollback_statements=["DROP TABLE events"],
        ),
        6: SchemaVersion(
            version=6,
            name="Feedback events",
            description="Thumbs up and down on answers",
            sql_statements=[
                """
                CREATE TABLE feedback_events (
                    id INTEGER PRIMARY KEY,
                    event_type TEXT NOT NULL,
                    payload TEXT,
                    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
                )
                """
            ],
            rollback_statements=["DROP TABLE feedback_events"],
        ),
        7: SchemaVersion(
            version=7,
            name="Event indexes",
            description="Query events by user and time",
            sql_statements=[
                "CREATE INDEX idx_events_user_time ON events(user_id, created_at DESC)",
                "CREATE INDEX idx_events_kind ON events(kind) WHERE kind IS NOT NULL",
            ],
            rollback_statements=["DROP INDEX idx_events_user_time", "DROP INDEX idx_events_kind"],
        ),
        8: SchemaVersion(
            version=8,
            name="Users updated_at trigger",
            description="Keep users.updated_at current",
            sql_statements=[
                """
                CREATE TRIGGER users_touch AFTER UPDATE ON users
                FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
                BEGIN
                    UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE uuid = NEW.uuid;
                END
                """
            ],
            rollback_statements=["DROP TRIGGER users_touch"],
        ),
        9: SchemaVersion(
            version=9,
            name="Active users view",
            description="The users who can log in",
            sql_statements=[
                "CREATE VIEW active_users AS SELECT uuid, full_name, nickname FROM users "
                "WHERE is_active"
            ],
            rollback_statements=["DROP VIEW active_users"],
        ),
        10: SchemaVersion(
            version=10,
            name="Tasks",
            description="Scheduled tasks",
            sql_statements=[
                """
                CREATE TABLE tasks (
                    task_id TEXT PRIMARY KEY,
                    task_class TEXT NOT NULL,
                    schedule TEXT NOT NULL,
                    enabled BOOLEAN DEFAULT 1,
                    last_run TEXT
                ) WITHOUT ROWID
                """
            ],
            rollback_statements=["DROP TABLE tasks"],
        ),
        11: SchemaVersion(
            version=11,
            name="User memories",
            description="Rename facts_metadata to user_memories and add the memory type",
            sql_statements=[
                "ALTER TABLE facts_metadata RENAME TO user_memories",
                "ALTER TABLE user_memories ADD COLUMN memory_type TEXT DEFAULT 'fact'",
            ],
            rollback_statements=[
                "ALTER TABLE user_memories DROP COLUMN memory_type",
                "ALTER TABLE user_memories RENAME TO facts_metadata",
            ],
        ),
        12: SchemaVersion(
            version=12,
            name="Knowledge graph",
            description="Nodes of the knowledge graph",
            sql_statements=[
                """
                CREATE TABLE kg_nodes (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(uuid),
                    label TEXT NOT NULL,
                    properties TEXT DEFAULT '{}' CHECK (json_valid(properties))
                ) STRICT
                """,
                "CREATE INDEX idx_kg_nodes_user ON kg_nodes(user_id, label)",
            ],
            rollback_statements=["DROP TABLE kg_nodes"],
        ),
        13: SchemaVersion(
            version=13,
            name="Logs module column",
            description="Rebuild logs with a NOT NULL module column",
            sql_statements=[
                """
                CREATE TABLE logs_new (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    timestamp TEXT NOT NULL,
                    level TEXT NOT NULL,
                    subsystem TEXT,
                    module TEXT NOT NULL DEFAULT 'unknown',
                    message TEXT
                )
                """,
                "INSERT INTO logs_new (id, timestamp, level, subsystem, message) "
                "SELECT id, timestamp, level, subsystem, message FROM logs",
                "DROP TABLE logs",
                "ALTER TABLE logs_new RENAME TO logs",
                "CREATE INDEX idx_logs_timestamp ON logs(timestamp)",
                "CREATE INDEX idx_logs_module ON logs(module)",
            ],
            rollback_statements=["DROP INDEX idx_logs_module"],
        ),
    }
)
