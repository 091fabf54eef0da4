"""Donor capacities: how much of a resource a donor can commit."""
