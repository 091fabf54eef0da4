"""Write the province-level lines of one S1 file to raw/<date>.province_rows.csv.

Input on stdin: one line per province-level row of S1 `Data/<date>.csv`, as
`<code>,<confirmed>,<suspected>,<cured>,<dead>`; code `CN` = national row.
The output lines are the S1 lines re-expanded to the S1 format
(`date,country,countryCode,province,provinceCode,city,cityCode,confirmed,suspected,cured,dead`).
Usage: python3 save_raw.py DATE COMMIT < lines
"""

import csv
import os
import sys

NAMES = {
    "110000": "北京市",
    "120000": "天津市",
    "130000": "河北省",
    "140000": "山西省",
    "150000": "内蒙古自治区",
    "210000": "辽宁省",
    "220000": "吉林省",
    "230000": "黑龙江省",
    "310000": "上海市",
    "320000": "江苏省",
    "330000": "浙江省",
    "340000": "安徽省",
    "350000": "福建省",
    "360000": "江西省",
    "370000": "山东省",
    "410000": "河南省",
    "420000": "湖北省",
    "430000": "湖南省",
    "440000": "广东省",
    "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市",
    "510000": "四川省",
    "520000": "贵州省",
    "530000": "云南省",
    "540000": "西藏自治区",
    "610000": "陕西省",
    "620000": "甘肃省",
    "630000": "青海省",
    "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
    "710000": "台湾省",
    "810000": "香港特别行政区",
    "820000": "澳门特别行政区",
}
HDR = "date,country,countryCode,province,provinceCode,city,cityCode,confirmed,suspected,cured,dead"
date, commit = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
out = [HDR]
seen = set()
for ln in sys.stdin:
    ln = ln.strip()
    if not ln:
        continue
    code, *nums = ln.split(",")
    assert len(nums) == 4 and all(n.isdigit() for n in nums), ln
    assert code not in seen, ln
    seen.add(code)
    if code == "CN":
        out.append(f"{date},中国,CN,,,,,{','.join(nums)}")
    else:
        out.append(f"{date},中国,CN,{NAMES[code]},{code},,,{','.join(nums)}")
with open(os.path.join(here, "raw", f"{date}.province_rows.csv"), "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
man = os.path.join(here, "raw", "manifest.csv")
rows = {}
if os.path.exists(man):
    rows = {r["date"]: r["commit"] for r in csv.DictReader(open(man, encoding="utf-8"))}
rows[date] = commit
with open(man, "w", encoding="utf-8") as f:
    f.write("date,commit\n" + "".join(f"{d},{c}\n" for d, c in sorted(rows.items())))
p = [line.split(",") for line in out[1:]]
nat = [r for r in p if r[3] == ""]
prov = [r for r in p if r[3] and r[4] not in ("710000", "810000", "820000")]
print(
    date,
    "provinces",
    len(prov),
    "national",
    nat[0][7] if nat else None,
    "sum31",
    sum(int(r[7]) for r in prov),
    "dead",
    nat[0][10] if nat else None,
    sum(int(r[10]) for r in prov),
)
