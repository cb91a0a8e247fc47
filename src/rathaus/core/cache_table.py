"""The database cache's table, created by `rathaus migrate`.

The rate limits (`throttle.py`) and allauth's login limits count in Django's cache, which is the
database cache (`CACHES`, table `rathaus_cache`) unless `REDIS_URL` is set. Its table is not a model,
so no migration makes it; without it every rate-limited request fails. After each `migrate` (and each
`flush`), Django's `createcachetable` makes the table of every database cache that `CACHES` names:
it follows the setting rather than freezing a table name into a migration, skips tables that exist,
and brings back one that was dropped. It does nothing when no cache is a database cache.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command


def create_cache_tables(*, using: str, verbosity: int = 1, **kwargs: Any) -> None:
    """post_migrate receiver: the table of each database cache in `CACHES` on the migrated database."""
    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
