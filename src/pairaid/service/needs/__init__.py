"""Needs stated by recipient cities."""
