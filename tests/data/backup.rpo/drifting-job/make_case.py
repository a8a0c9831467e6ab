#!/usr/bin/env python3
"""Writes this golden case's evidence; README.md computes the expected figures by hand."""
from datetime import datetime, timedelta, timezone

def t(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))

def z(d):
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

END = t("2026-10-27T00:00:00Z")
rows = []  # source,started_at,finished_at,status,snapshot_id,repository,region,encrypted
# db-main: every 4 h on the hour, 15 minutes long, from 20:00 the day before the period.
rows.append(("db-main", "2026-10-20T00:00:00Z", "2026-10-20T00:15:00Z", "success", "dbm-1020-00"))
d = t("2026-10-23T20:00:00Z")
while d < END:
    rows.append(("db-main", z(d), z(d + timedelta(minutes=15)), "success", "dbm-" + d.strftime("%m%d-%H")))
    d += timedelta(hours=4)
rows.append(("db-main", "2026-10-25T02:00:00Z", "2026-10-25T02:05:00Z", "failed", ""))
rows.append(("db-main", "2026-10-26T23:50:00Z", "2026-10-27T00:05:00Z", "success", "dbm-1026-2350"))
# files: a job that drifts, every 4 h 05 min; it writes no finished_at (its start is its finish).
d = t("2026-10-23T21:00:00Z")
while d < END:
    rows.append(("files", z(d), "", "success", "files-" + d.strftime("%m%d-%H%M")))
    d += timedelta(hours=4, minutes=5)
# crm: only failed runs.
rows.append(("crm", "2026-10-24T03:00:00Z", "2026-10-24T03:10:00Z", "failed", ""))
rows.append(("crm", "2026-10-25T03:00:00Z", "2026-10-25T03:10:00Z", "failed", ""))
# archive: one success before the period, nothing since.
rows.append(("archive", "2026-10-22T12:00:00Z", "2026-10-22T12:30:00Z", "success", "arc-1022"))
rows.sort(key=lambda r: (r[1], r[0]))
with open("evidence/backups.csv", "w", newline="\n") as f:
    f.write("source,started_at,finished_at,status,snapshot_id,repository,region,encrypted\n")
    for r in rows:
        f.write(",".join(r) + ",local,eu-west-2,true\n")
