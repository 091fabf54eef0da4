#!/usr/bin/env python3
"""Build province_cases.csv: daily cumulative COVID-19 counts for the 31 mainland
provinces (Hubei included for cross-check), 2020-01-20 .. 2020-04-30.

Source (S1): GitHub canghailan/Wuhan-2019-nCoV, files Data/YYYY-MM-DD.csv (MIT).
Only the province-level rows (city and cityCode empty) are used; they are saved,
re-expanded to the S1 line format, in raw/<date>.province_rows.csv (see
raw/README.md).  S1 province rows are already dated as-of 24:00 of the file date.

Output columns: date, region_code (ISO 3166-2), confirmed_cum, deaths_cum,
recovered_cum, source_file_date, flags.  Values are copied from S1 unchanged;
empty = no value in the source (never zero-filled).
Runs offline: python3 build.py  (writes province_cases.csv, prints the checks).
"""
import csv
import datetime as dt
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "raw")
REGIONS = "/work/shared/data/hubei2020/regions.csv"
HUBEI_OTHER = "/work/shared/data/hubei2020/cases_daily_hubei_other.csv"
OUT = os.path.join(HERE, "province_cases.csv")
START, END = dt.date(2020, 1, 20), dt.date(2020, 4, 30)

# Row-level notes for known source problems (documented in raw/README.md).
KNOWN = {
    ("2020-01-29", "410000"): "stale_province_row",   # = 01-28 value; S1 city rows sum to 278
    ("2020-02-12", "420000"): "known_source_error",   # bulletin 48,206 / 1,310
}


def load_regions():
    m = {}
    with open(REGIONS, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["level"] == "province":
                m[r["gb2260_code"]] = r["region_code"]
    assert len(m) == 31, len(m)
    return m


def load_raw(date):
    p = os.path.join(RAW, f"{date}.province_rows.csv")
    if not os.path.exists(p):
        return None
    rows = {}
    with open(p, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            assert r["date"] == date and r["city"] == "" and r["cityCode"] == "", r
            code = r["provinceCode"] or "CN"
            rows[code] = r
    return rows


def main():
    regions = load_regions()
    codes = sorted(regions)
    out, prev = [], {}
    national = {}
    d = START
    while d <= END:
        ds = d.isoformat()
        raw = load_raw(ds)
        for code in codes:
            flags = []
            rec = {"date": ds, "region_code": regions[code], "confirmed_cum": "",
                   "deaths_cum": "", "recovered_cum": "", "source_file_date": "", "flags": ""}
            if raw is None:
                flags.append("source_file_not_fetched")
            elif code not in raw:
                rec["source_file_date"] = ds
                flags.append("no_province_row_in_source")
            else:
                r = raw[code]
                rec.update(confirmed_cum=r["confirmed"], deaths_cum=r["dead"],
                           recovered_cum=r["cured"], source_file_date=ds)
                for col, key in (("confirmed_cum", "confirmed"), ("deaths_cum", "deaths"),
                                 ("recovered_cum", "recovered")):
                    p = prev.get((code, col))
                    if p is not None and int(rec[col]) < p:
                        flags.append(f"{key}_decrease")
                    prev[(code, col)] = int(rec[col])
                if (ds, code) in KNOWN:
                    flags.append(KNOWN[(ds, code)])
            rec["flags"] = ";".join(flags)
            out.append(rec)
        if raw is not None:
            nat = raw.get("CN")
            s = [sum(int(raw[c][k]) for c in codes if c in raw) for k in ("confirmed", "dead")]
            national[ds] = (s, (int(nat["confirmed"]), int(nat["dead"])) if nat else None,
                            sum(1 for c in codes if c in raw))
        d += dt.timedelta(days=1)

    cols = ["date", "region_code", "confirmed_cum", "deaths_cum", "recovered_cum",
            "source_file_date", "flags"]
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(out)

    # ---- checks -------------------------------------------------------------
    filled = [r for r in out if r["confirmed_cum"] != ""]
    print(f"wrote {OUT}: {len(out)} rows, {len(filled)} with values, "
          f"{len({r['date'] for r in filled})} dates with a source file")
    print("\n[decreases in cumulative series]")
    for r in out:
        for fl in r["flags"].split(";"):
            if fl.endswith("_decrease"):
                print(" ", r["date"], r["region_code"], fl)
    # explicit previous->current values for confirmed decreases
    last = {}
    for r in out:
        if r["confirmed_cum"] == "":
            continue
        k = r["region_code"]
        if k in last and int(r["confirmed_cum"]) < last[k][1]:
            print(f"  confirmed {k}: {last[k][0]} {last[k][1]} -> {r['date']} {r['confirmed_cum']}")
        last[k] = (r["date"], int(r["confirmed_cum"]))

    print("\n[Hubei row vs cases_daily_hubei_other.csv hubei_province_row]")
    hub = {r["date"]: r for r in out if r["region_code"] == "CN-HB" and r["confirmed_cum"] != ""}
    n = bad = 0
    with open(HUBEI_OTHER, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["series"] != "hubei_province_row" or r["date"] not in hub:
                continue
            n += 1
            h = hub[r["date"]]
            a = (h["confirmed_cum"], h["deaths_cum"], h["recovered_cum"])
            b = (r["confirmed_cum"], r["deaths_cum"], r["recovered_cum"])
            if a != b:
                bad += 1
                print("  MISMATCH", r["date"], "ours", a, "theirs", b)
    print(f"  compared {n} dates, {bad} mismatches")

    print("\n[national: sum of 31 province rows vs S1 national row]")
    for ds, (s, nat, k) in sorted(national.items()):
        print(f"  {ds} provinces_present={k:2d} sum_confirmed={s[0]:6d} sum_deaths={s[1]:5d} "
              f"S1_national_row={nat}")


if __name__ == "__main__":
    sys.exit(main())
