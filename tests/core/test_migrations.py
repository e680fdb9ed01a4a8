"""Alembic migrations on SQLite and MariaDB: from empty, concurrent starts, no drift, long texts."""

from concurrent.futures import ThreadPoolExecutor

from aira_core.db import create_db_engine, session_scope
from aira_core.migrate import alembic_config, current_revision, migrate
from aira_core.models import Conversation, Message, Story, User
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel, select

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
TABLES = {"users", "conversations", "messages", "stories", "queue_messages"}


def test_migrates_an_empty_database_to_head(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        migrate(engine)
        migrate(engine)  # idempotent: a restart finds the schema at head
        assert current_revision(engine) == HEAD
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    engines = [create_db_engine(database_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            list(pool.map(migrate, engines))
        assert current_revision(engines[0]) == HEAD
    finally:
        for engine in engines:
            engine.dispose()


def test_models_match_the_migrated_schema(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_long_korean_texts_round_trip(db_engine: Engine) -> None:
    # 3 bytes per Hangul syllable in UTF-8, plus 4-byte emoji that utf8mb3 would reject.
    text = ("옛날 옛적에 작은 토끼가 살았어요. 🐰✨ " * 5000)[:60000]
    assert len(text.encode()) >= 100_000
    pages = [text[:30000], text[30000:]]
    with session_scope(db_engine) as session:
        user = User(email="hana@example.com", password_hash="x", display_name="하나")
        session.add(user)
        session.flush()
        conversation = Conversation(user_id=user.id, title="토끼 이야기")
        session.add(conversation)
        session.flush()
        session.add(Message(conversation_id=conversation.id, role="assistant", content=text))
        session.add(
            Story(
                user_id=user.id,
                child_name="하나",
                age=5,
                theme="우정",
                length="long",
                language="ko",
                title="달빛 토끼",
                content=text,
                pages=pages,
            )
        )
    with session_scope(db_engine) as session:
        assert session.exec(select(Message)).one().content == text
        story = session.exec(select(Story)).one()
        assert (story.content, story.pages, story.child_name) == (text, pages, "하나")


def test_downgrade_to_empty_and_upgrade_again(db_engine: Engine) -> None:
    config = alembic_config()
    with db_engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        connection.commit()
    assert not TABLES & set(inspect(db_engine).get_table_names())
    migrate(db_engine)
    assert current_revision(db_engine) == HEAD
