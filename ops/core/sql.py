"""SQL helpers shared by the areas."""
from __future__ import annotations



def dialect_insert(dialect: str):
    """The ``insert`` of this database's dialect, which has ``on_conflict_do_nothing``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"unsupported database {dialect}")
    return insert
