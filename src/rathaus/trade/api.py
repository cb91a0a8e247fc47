"""The trade register's public API (filled in by the register work)."""

from ninja import Router

router = Router(tags=["trade register"])
