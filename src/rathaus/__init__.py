"""Rathaus: a digital town hall for German municipalities."""
