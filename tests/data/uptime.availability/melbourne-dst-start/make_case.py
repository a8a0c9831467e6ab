#!/usr/bin/env python3
"""Writes this golden case's evidence; README.md computes the expected figures by hand."""
from datetime import datetime, timedelta, timezone

def t(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))

def z(d):
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def every_10_min(first, last):
    d = t(first)
    while d <= t(last):
        yield d
        d += timedelta(minutes=10)

rows = []
# api: one location (syd), every 10 minutes on the minute 0, all up but two stretches.
api_down = {"2026-10-04T01:00:00Z", "2026-10-04T06:00:00Z"}
for d in every_10_min("2026-10-03T13:50:00Z", "2026-10-04T13:10:00Z"):
    rows.append((z(d), "api", "syd", "0" if z(d) in api_down else "1"))
rows.append(("2026-10-04T06:01:12Z", "api", "syd", "1"))  # back up 72 s after 06:00
# web: mel at minute 0, per at minute 5 of every 10.
mel_down = {"2026-10-03T13:50:00Z", "2026-10-03T14:00:00Z", "2026-10-04T08:10:00Z", "2026-10-04T08:20:00Z"}
mel_silent = {"2026-10-04T10:00:00Z", "2026-10-04T10:10:00Z", "2026-10-04T10:20:00Z", "2026-10-04T10:30:00Z"}
for d in every_10_min("2026-10-03T13:50:00Z", "2026-10-04T13:10:00Z"):
    if z(d) in mel_silent:
        continue
    rows.append((z(d), "web", "mel", "0" if z(d) in mel_down else "1"))
per_down = {"2026-10-03T13:55:00Z", "2026-10-04T02:05:00Z", "2026-10-04T08:15:00Z", "2026-10-04T08:25:00Z"}
for d in every_10_min("2026-10-03T13:55:00Z", "2026-10-04T13:05:00Z"):
    rows.append((z(d), "web", "per", "0" if z(d) in per_down else "1"))
rows.sort()
with open("evidence/probes.csv", "w", newline="\n") as f:
    f.write("time,service,location,up\n")
    for row in rows:
        f.write(",".join(row) + "\n")
