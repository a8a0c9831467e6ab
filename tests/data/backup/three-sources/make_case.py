#!/usr/bin/env python3
"""Writes this golden case's evidence; README.md computes the expected figures by hand."""
from datetime import datetime, timedelta, timezone

def z(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")

def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M").replace(tzinfo=timezone.utc)

rows = []  # source,started_at,finished_at,status,snapshot_id,repository,region,encrypted,expired_at
# db-main: an old monthly point, then every 4 h from 2026-09-30T20:00, 15 minutes each.
rows.append(("db-main", t("2026-07-01T00:00"), t("2026-07-01T00:15"), "success", "dbm-old", "primary", "au-southeast-1", "true", ""))
start = t("2026-09-30T20:00")
while start < t("2026-11-01T04:00"):  # runs past the period end: ignored
    if start == t("2026-10-10T08:00"):
        rows.append(("db-main", start, start + timedelta(minutes=3), "failed", "", "primary", "au-southeast-1", "true", ""))
    else:
        rows.append(("db-main", start, start + timedelta(minutes=15), "success", f"dbm-{start:%m%d%H}", "primary", "au-southeast-1", "true", ""))
    start += timedelta(hours=4)
# db-main offsite copies: daily 02:00-02:30 to Perth, none on 20 October.
day = t("2026-09-30T02:00")
while day < t("2026-11-01T00:00"):
    if day.date().isoformat() != "2026-10-20":
        rows.append(("db-main", day, day + timedelta(minutes=30), "success", f"dbm-off-{day:%m%d}", "offsite-perth", "au-southwest-1", "yes", ""))
    day += timedelta(days=1)
# files: daily 01:00-01:30, unencrypted, never offsite; one August point expired on 15 October.
rows.append(("files", t("2026-08-01T01:00"), t("2026-08-01T01:30"), "success", "files-0801", "nas", "au-southeast-1", "false", "2026-10-15T00:00:00Z"))
day = t("2026-09-25T01:00")
while day < t("2026-11-01T00:00"):
    rows.append(("files", day, day + timedelta(minutes=30), "success", f"files-{day:%m%d}", "nas", "au-southeast-1", "false", ""))
    day += timedelta(days=1)
rows.sort(key=lambda r: (r[1], r[0]))
with open("evidence/backups.csv", "w", newline="\n") as f:
    f.write("source,started_at,finished_at,status,snapshot_id,repository,region,encrypted,expired_at\n")
    for i, r in enumerate(rows):
        f.write(",".join([r[0], z(r[1]), z(r[2]), r[3], r[4], r[5], r[6], r[7], r[8]]) + "\n")
        if i == 5:
            f.write("db-main,2026-09-30T23:00:00Z,2026-09-30T23:10:00Z,ok,x,primary,au-southeast-1,true,\n")  # rejected

with open("evidence/restore_tests.csv", "w", newline="\n") as f:
    f.write("source,tested_at,outcome,snapshot_id,reference\n")
    f.write("crm,2026-06-01T00:00:00Z,success,crm-0531,RT-2026-06\n")
    f.write("db-main,2026-10-15T02:24:00Z,success,dbm-101500,RT-2026-10\n")
    f.write("files,2026-10-20T05:00:00Z,failure,files-1019,RT-2026-10b\n")
    f.write("db-main,2026-11-03T00:00:00Z,success,dbm-110204,RT-2026-11\n")  # after the period: ignored
