"""The shared application schema as SQLAlchemy 2 declarative models.

`metadata(naming_convention)` builds a fresh set of models on a fresh MetaData, so
the same models can be emitted with SQLAlchemy's default constraint naming
(`None`) and with an explicit naming convention (`NAMING_CONVENTION`).
tests/test_producers.py runs `metadata.create_all(engine)` on a file database and
validates that database against migrations/ (the same schema written by hand).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The convention from SQLAlchemy's documentation ("Configuring Constraint Naming
# Conventions"), as Alembic projects usually copy it.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class PostStatus(enum.Enum):
    draft = "draft"
    published = "published"
    archived = "archived"


def metadata(naming_convention: dict[str, str] | None = None) -> MetaData:
    """A MetaData holding the application's tables, with the given naming convention."""
    md = MetaData(naming_convention=naming_convention) if naming_convention else MetaData()

    class Base(DeclarativeBase):
        metadata = md

    class User(Base):
        __tablename__ = "users"
        # AUTOINCREMENT is only written with sqlite_autoincrement; the column then
        # carries PRIMARY KEY inline instead of a table-level PRIMARY KEY (id).
        __table_args__: Any = {"sqlite_autoincrement": True}

        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        email: Mapped[str] = mapped_column(String(255, collation="NOCASE"), unique=True)
        name: Mapped[str] = mapped_column(String(100))
        created_at: Mapped[datetime] = mapped_column(
            DateTime, server_default=text("CURRENT_TIMESTAMP")
        )

    class Team(Base):
        __tablename__ = "teams"

        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(100), unique=True)

    class Membership(Base):
        __tablename__ = "memberships"

        user_id: Mapped[int] = mapped_column(
            ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        )
        team_id: Mapped[int] = mapped_column(
            ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
        )
        role: Mapped[str] = mapped_column(String(20), server_default="member")

    class Post(Base):
        __tablename__ = "posts"
        __table_args__: Any = (
            CheckConstraint("length(title) > 0", name="title_not_empty"),
            Index("ix_posts_user_id", "user_id"),
        )

        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
        title: Mapped[str] = mapped_column(String(200))
        body: Mapped[str | None] = mapped_column(Text)
        status: Mapped[PostStatus] = mapped_column(
            Enum(PostStatus, name="post_status", native_enum=False, create_constraint=True),
            server_default="draft",
        )
        is_pinned: Mapped[bool] = mapped_column(
            Boolean(create_constraint=True, name="is_pinned_bool"), server_default="0"
        )
        created_at: Mapped[datetime] = mapped_column(
            DateTime, server_default=text("CURRENT_TIMESTAMP")
        )

    class Tag(Base):
        __tablename__ = "tags"
        __table_args__: Any = (UniqueConstraint("name"),)

        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        name: Mapped[str] = mapped_column(String(50))

    class PostTag(Base):
        __tablename__ = "post_tags"

        post_id: Mapped[int] = mapped_column(
            ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
        )
        tag_id: Mapped[int] = mapped_column(
            ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
        )

    return md
