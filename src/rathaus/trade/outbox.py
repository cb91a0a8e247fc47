"""Stand-in for the outbox delivery (being written)."""


def deliver_after_commit(message_ids: list[int]) -> None:
    return None
