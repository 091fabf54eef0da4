"""Dispatches of accepted pledges and their receipts."""
