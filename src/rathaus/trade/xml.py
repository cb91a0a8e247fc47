"""Stand-in for the XGewerbeanzeige message builder (being written)."""

import uuid
from datetime import datetime
from typing import Any

from rathaus.trade.models import BusinessNotice, Recipient


def build_message(
    *,
    notice: BusinessNotice,
    recipient: Recipient,
    values: dict[int, Any],
    message_uuid: uuid.UUID,
    is_correction: bool,
    created_at: datetime,
) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><nachricht uuid="{message_uuid}"/>'
