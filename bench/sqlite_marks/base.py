"""Django's SQLite backend, marking each commit (bench/marks.py): when a save is committed."""

from django.db.backends.sqlite3 import base

from bench.marks import mark


class DatabaseWrapper(base.DatabaseWrapper):
    def _commit(self):
        super()._commit()
        mark("commit")
