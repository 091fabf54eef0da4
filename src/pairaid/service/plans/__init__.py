"""Plans imported from a run folder of ``pairaid plan``."""
