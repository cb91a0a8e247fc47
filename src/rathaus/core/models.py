"""The kernel has no models. The module exists so that Django sends `post_migrate` for the kernel too,
which creates the database cache's table (`cache_table.py`): Django leaves out apps without one."""
