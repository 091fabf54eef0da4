"""Pledges of donors against needs: proposed, accepted or cancelled."""
