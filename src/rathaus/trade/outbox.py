"""Placeholder replaced by the outbox delivery."""
