"""The board: per recipient and resource, what is needed, pledged, accepted, sent, received."""
