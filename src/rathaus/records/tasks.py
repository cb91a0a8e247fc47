"""Background work for the records: the daily retention run."""

import logging

from django_tasks import task

from rathaus.records.retention import retention_apply
from rathaus.schoolroute.batch import batch_runs_purge

logger = logging.getLogger(__name__)


@task()
def retention_run() -> dict[str, int]:
    """Deletes or anonymises the files whose retention period has passed (see `records.retention`)."""
    report = retention_apply()
    counts = report.counts()
    logger.info("Retention run: %s", ", ".join(f"{key} {value}" for key, value in counts.items()))
    # School roll checks hold pupils' addresses and are kept 30 days (`schoolroute.batch.RETENTION`).
    logger.info("Retention run: %s school roll check(s) deleted", batch_runs_purge())
    return counts
