"""Placeholder replaced by the XGewerbeanzeige message builder."""
