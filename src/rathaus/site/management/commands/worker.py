"""`rathaus worker`: runs queued background tasks (mails now; PDFs and retention later)."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = "Run background tasks from the database queue until stopped (Ctrl+C)."
