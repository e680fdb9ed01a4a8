"""`aira-admin`: make users operators of the console, or take that away.

    aira-admin grant EMAIL     the user sees the operators' console (/api/admin, the Console page)
    aira-admin revoke EMAIL
    aira-admin list            every admin

Uses the configured database (AIRA_DATABASE_URL, or the embedded SQLite under AIRA_DATA_DIR).
"""

import argparse
import sys
from collections.abc import Sequence

from aira_core.db import create_db_engine, session_scope
from aira_core.models import User
from aira_core.settings import SettingsError, load_settings
from sqlalchemy import Engine
from sqlmodel import col, select

EXIT_NO_SUCH_USER = 1
EXIT_BAD_SETTINGS = 2


def set_admin(engine: Engine, email: str, is_admin: bool) -> bool:
    """False when no user has that email."""
    with session_scope(engine) as session:
        user = session.exec(select(User).where(col(User.email) == email.strip().lower())).first()
        if user is None:
            return False
        user.is_admin = is_admin
        session.add(user)
    return True


def admin_emails(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        stmt = select(User.email).where(col(User.is_admin).is_(True)).order_by(col(User.email))
        return list(session.exec(stmt))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="aira-admin", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, purpose in (("grant", "make the user an admin"), ("revoke", "remove admin rights")):
        commands.add_parser(name, help=purpose).add_argument("email")
    commands.add_parser("list", help="list every admin")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"aira-admin: {exc}", file=sys.stderr)
        return EXIT_BAD_SETTINGS
    engine = create_db_engine(settings.sqlalchemy_url)
    try:
        if args.command == "list":
            for email in admin_emails(engine):
                print(email)
            return 0
        if not set_admin(engine, args.email, args.command == "grant"):
            print(f"aira-admin: no user with email {args.email}", file=sys.stderr)
            return EXIT_NO_SUCH_USER
        print(f"{args.email}: {'admin' if args.command == 'grant' else 'no longer admin'}")
        return 0
    finally:
        engine.dispose()


def run() -> None:
    sys.exit(main())
