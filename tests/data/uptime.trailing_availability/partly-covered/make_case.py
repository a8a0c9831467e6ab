#!/usr/bin/env python3
"""Writes this golden case's evidence; README.md computes the expected figures by hand."""
from datetime import datetime, timedelta, timezone

def t(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))

def z(d):
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def every(first, last, minutes):
    d = t(first)
    while d <= t(last):
        yield d
        d += timedelta(minutes=minutes)

rows = []
# api: from 1 October only, every 15 minutes; down 10 Oct 10:00-12:00 and inside its
# scheduled window 20 Oct 02:00-04:00.
down = set(z(d) for d in every("2026-10-10T10:00:00Z", "2026-10-10T11:45:00Z", 15))
down |= set(z(d) for d in every("2026-10-20T02:00:00Z", "2026-10-20T03:45:00Z", 15))
for d in every("2026-10-01T00:00:00Z", "2026-11-30T23:45:00Z", 15):
    rows.append((z(d), "api", "lon", "0" if z(d) in down else "1"))
# web: the period only, one down sample.
for d in every("2026-11-01T00:00:00Z", "2026-11-30T23:45:00Z", 15):
    rows.append((z(d), "web", "lon", "0" if z(d) == "2026-11-15T00:00:00Z" else "1"))
# old: two days in June, before the window.
for d in every("2026-06-01T00:00:00Z", "2026-06-02T23:00:00Z", 60):
    rows.append((z(d), "old", "lon", "1"))
with open("evidence/probes.csv", "w") as f:
    f.write("time,service,location,up\n")
    for row in rows:
        f.write(",".join(row) + "\n")
with open("evidence/maintenance.csv", "w") as f:
    f.write("service,start,end,announced_at,reference\n")
    f.write("api,2026-10-20T02:00:00Z,2026-10-20T04:00:00Z,2026-10-01T00:00:00Z,CHG-20\n")
