"""The schema's Alembic migrations, applied through ``server.migrate`` (``antre-server db
upgrade`` and ``init-db``) on SQLite and PostgreSQL alike."""
