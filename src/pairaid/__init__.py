"""pairaid: pairing assistance (对口支援) planning.

Forecast each stricken region's demand, compute the gap between demand and local
capacity, and pair donor regions with recipient regions by exact optimisation.
"""

__version__ = "0.1.0"
