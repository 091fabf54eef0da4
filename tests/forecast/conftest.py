"""Fixtures of the forecast tests: a small copy of the Hubei 2020 case table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


def load_cases(path: Path = DATA / "cases_hubei_subset.csv") -> pd.DataFrame:
    """Read a cases CSV into the in-memory ``cases`` table layout."""
    raw = pd.read_csv(path, dtype={"region_code": str, "flags": str}, keep_default_na=False)
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(raw["date"]).dt.normalize(),
            "region_code": raw["region_code"].astype(str),
        }
    )
    for col in ("confirmed_cum", "deaths_cum", "recovered_cum"):
        out[col] = pd.to_numeric(raw[col].replace("", None)).astype("Int64")
    out["flags"] = raw["flags"].astype(str)
    return out


@pytest.fixture(scope="session")
def hubei_cases() -> pd.DataFrame:
    return load_cases()
