"""The app's current registry: versions 1 to 18. Replayed from scratch it fails at
version 14, whose `CREATE TABLE IF NOT EXISTS feedback_events` is skipped (version 6
created `feedback_events` with other columns), so its index on `user_id` fails."""

from __future__ import annotations

from app.data.schemas.base import SchemaVersion
from app.data.schemas.core import CORE_SCHEMA


def _current() -> dict[int, SchemaVersion]:
    versions = dict(CORE_SCHEMA)
    versions[14] = SchemaVersion(
        version=14,
        name="Conversations and feedback",
        description="Conversation threads, messages and per-user feedback",
        sql_statements=[
            "CREATE TABLE conversations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL "
            "REFERENCES users(uuid), started_at TEXT NOT NULL)",
            "CREATE INDEX idx_conversations_user ON conversations(user_id)",
            "CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL "
            "REFERENCES conversations(id) ON DELETE CASCADE, role TEXT NOT NULL, body TEXT)",
            "CREATE INDEX idx_messages_conversation ON messages(conversation_id)",
            """
            CREATE TABLE IF NOT EXISTS feedback_events (
                id INTEGER PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(uuid),
                message_id TEXT REFERENCES messages(id),
                rating INTEGER CHECK (rating IN (-1, 1)),
                comment TEXT,
                created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
            )
            """,
            "CREATE INDEX idx_feedback_user ON feedback_events(user_id)",
        ],
        rollback_statements=["DROP TABLE messages", "DROP TABLE conversations"],
    )
    versions[15] = SchemaVersion(
        version=15,
        name="Message timestamps",
        description="When a message was sent",
        sql_statements=["ALTER TABLE messages ADD COLUMN sent_at TEXT"],
    )
    versions[16] = SchemaVersion(
        version=16,
        name="Memory embeddings",
        description="Vector ids of user memories",
        sql_statements=["ALTER TABLE user_memories ADD COLUMN embedding_id TEXT"],
    )
    versions[17] = SchemaVersion(
        version=17,
        name="Feedback by message",
        description="Look feedback up by message",
        sql_statements=["CREATE INDEX idx_feedback_message ON feedback_events(message_id)"],
    )
    versions[18] = SchemaVersion(
        version=18,
        name="Task history",
        description="Runs of scheduled tasks",
        sql_statements=[
            "CREATE TABLE task_runs (id INTEGER PRIMARY KEY, task_id TEXT NOT NULL "
            "REFERENCES tasks(task_id), started_at TEXT NOT NULL, status TEXT NOT NULL)"
        ],
    )
    return versions


# A callable, as some apps expose their registry: driftcheck calls it.
CURRENT_SCHEMA = _current
