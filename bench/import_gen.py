#!/usr/bin/env python3
"""import_gen.py - a city's case history for bench/import.sh: N rows of
CSV (the documented columns of `urbangrid import cases`) or of an Open311
GeoReport v2 JSON array, points at the centres of the demo city's grids
(read from the database), over the years before now; four in five
closed, nine in ten with an agency.  Deterministic (seed 16)."""
import json
import random
import sqlite3
import sys

def main():
    db, fmt, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    rnd = random.Random(16)
    con = sqlite3.connect(db)
    centres = [(round((a + b) / 2, 6), round((c + d) / 2, 6)) for a, b, c, d in
               con.execute("SELECT min_lon, max_lon, min_lat, max_lat FROM grid")]
    codes = ["SVC%02d" % i for i in range(20)]
    agencies = ["Agency %d" % i for i in range(5)]
    start = 1546300800  # 2019-01-01
    span = 5 * 365 * 86400
    with open(out, "w", encoding="utf-8") as f:
        if fmt == "csv":
            f.write("number,category,description,address,lon,lat,requested,"
                    "updated,closed,status,department\n")
        else:
            f.write("[\n")
        for i in range(n):
            lon, lat = centres[rnd.randrange(len(centres))]
            t = start + rnd.randrange(span)
            closed = rnd.random() < 0.8
            end = t + rnd.randrange(3600, 14 * 86400)
            dept = agencies[rnd.randrange(5)] if rnd.random() < 0.9 else ""
            req = "%s+08:00" % _iso(t)
            upd = "%s+08:00" % _iso(end)
            code = codes[i % 20]
            if fmt == "csv":
                f.write('H%07d,%s,"井盖破损, 第%d号",东城区某路%d号,%s,%s,%s,%s,%s,%s,%s\n' % (
                    i, code, i, i % 500, lon, lat, req, upd,
                    upd if closed else "", "closed" if closed else "open", dept))
            else:
                row = {"service_request_id": "H%07d" % i, "status": "closed" if closed else "open",
                       "service_name": "Service " + code, "service_code": code,
                       "description": "井盖破损, 第%d号" % i, "agency_responsible": dept,
                       "requested_datetime": req, "updated_datetime": upd,
                       "expected_datetime": None, "address": "东城区某路%d号" % (i % 500),
                       "lat": lat, "long": lon, "media_url": None}
                if not dept:
                    del row["agency_responsible"]
                f.write(("," if i else "") + json.dumps(row, ensure_ascii=False) + "\n")
        if fmt != "csv":
            f.write("]\n")
    with open(out + ".map", "w") as m:
        m.write("kind,source,code\n")
        cats = [r[0] for r in con.execute("SELECT code FROM category ORDER BY code LIMIT 20")]
        for c, cat in zip(codes, cats):
            m.write("category,%s,%s\n" % (c, cat))
        depts = [r[0] for r in con.execute("SELECT code FROM department ORDER BY code LIMIT 5")]
        for a, d in zip(agencies, depts):
            m.write("department,%s,%s\n" % (a, d))

def _iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t + 8 * 3600))

main()
