"""Terminal output of ICU patient transfers (pairaid.transfers_console)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pandas as pd
from rich.console import Console

from pairaid.transfers_console import print_transfers


def test_peak_unserved_is_labelled_as_patients_on_the_worst_day() -> None:
    """``peak_unserved`` counts patients without a bed on one day (a stock): the line says
    so and never "a day", which reads as a daily flow; the figures are printed unchanged."""
    figures = {"unserved_patient_days": 15022.0, "peak_unserved": 2319.0,
               "patients_moved": 140, "donors_used": 4, "patient_km": 12145.0,
               "status": "optimal"}
    plan = SimpleNamespace(transfers=pd.DataFrame(
        {"recipient_code": ["03"], "donor_code": ["09"], "patients": [140],
         "distance_km": [250.0], "day": [0]}))
    tp = SimpleNamespace(plan=plan, quantile=0.5, donor_quantile=0.5,
                         problem=SimpleNamespace(stay_days=7), comparison=pd.DataFrame(),
                         summary=lambda: {"no_transfer_unserved_patient_days": 15785.0,
                                          "pairaid": figures})
    run = SimpleNamespace(dataset=SimpleNamespace(region_names=lambda lang: {}),
                          transfers=tp,
                          config=SimpleNamespace(decision_date=dt.date(2020, 3, 15)))
    out = io.StringIO()
    print_transfers(Console(file=out, width=200), run)
    text = out.getvalue()
    assert ("pairaid: 15,022 (2,319 without a bed on the worst day), 140 moved to 4 regions, "
            "12,145 patient-km, optimal") in text
    assert "a day" not in text
