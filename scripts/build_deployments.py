"""Build the hubei-2020 data set's ``deployments.csv`` from the gathered figures.

Input: ``src/pairaid/data/hubei-2020/provenance/deployments_gathered.csv`` (every figure
read in a public report, with URL, title, date and the phrase quoted; see
``provenance/deployments_NOTES.md``). Output: ``src/pairaid/data/hubei-2020/deployments.csv``
in the ``deployments`` table format (docs/data-format.md).

Rows kept: one donor and one recipient, a staff count and a date. Rows left out (they stay in
the provenance file): sums over several donors or several recipients (pairaid adds donors
itself, and a figure for three cities together cannot be attributed to one), rows without a
staff count or date, figures marked as derived by assumption (confidence L with
'DERIVED' in the note), and the rows of :data:`EXCLUDED` (with the reason).

Run: ``python scripts/build_deployments.py`` (idempotent; rewrites deployments.csv only).
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "pairaid" / "data" / "hubei-2020"
SOURCE = ROOT / "provenance" / "deployments_gathered.csv"
TARGET = ROOT / "deployments.csv"
COLUMNS = ["donor_code", "recipient_code", "date", "figure_type", "staff", "doctors",
           "nurses", "source", "confidence", "note"]


EXCLUDED = {("CN-JS", "420200", "2020-03-20", "240"):
            "the staff returning on 2020-03-20 only, not a cumulative total (the first "
            "batch alone was 310)"}
"""Rows of the gathered file that are not what their figure_type says, with the reason."""


def main() -> None:
    with SOURCE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        if ";" in row["donor_code"] or ";" in row["recipient_code"]:
            continue
        if not row["staff"].strip() or not row["date"].strip():
            continue
        if row["confidence"] == "L" and "DERIVED" in row["note"]:
            continue
        if (row["donor_code"], row["recipient_code"], row["date"], row["staff"]) in EXCLUDED:
            continue
        url = row["source_url"].strip()
        title = row["source_title"].strip()
        source = f"{title} ({row['source_date']}): {url}" if url.startswith("http") \
            else f"{title} ({row['source_date']}); {url}"
        quote = row["quote"].strip()
        note = "; ".join(x for x in (f"quote: {quote}" if quote else "", row["note"].strip())
                         if x)
        out.append({"donor_code": row["donor_code"], "recipient_code": row["recipient_code"],
                    "date": row["date"], "figure_type": row["figure_type"],
                    "staff": row["staff"], "doctors": row["doctors"],
                    "nurses": row["nurses"], "source": source,
                    "confidence": row["confidence"], "note": note})
    out.sort(key=lambda r: (r["recipient_code"], r["donor_code"], r["date"]))
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} of {len(rows)} rows written to {TARGET}")


if __name__ == "__main__":
    main()
