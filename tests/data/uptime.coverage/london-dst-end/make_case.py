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
        yield z(d)
        d += timedelta(minutes=10)

rows = []
# db: one location, silent for two samples in the first 01:xx hour (BST), one extra at 00:55.
for s in every_10_min("2026-10-24T22:50:00Z", "2026-10-26T00:10:00Z"):
    if s not in ("2026-10-25T00:40:00Z", "2026-10-25T00:50:00Z"):
        rows.append((s, "db", "lhr", "1"))
rows.append(("2026-10-25T00:55:00Z", "db", "lhr", "1"))
# queue: first sample 10 min into the period; silent inside its scheduled window and at 14:10-14:20.
silent = {"2026-10-25T09:10:00Z", "2026-10-25T09:20:00Z", "2026-10-25T09:30:00Z",
          "2026-10-25T09:40:00Z", "2026-10-25T14:10:00Z", "2026-10-25T14:20:00Z"}
for s in every_10_min("2026-10-24T23:10:00Z", "2026-10-26T00:10:00Z"):
    if s not in silent:
        rows.append((s, "queue", "lhr", "1"))
# cdn: three locations; c stops reporting at 02:00, a and b keep the quorum of 2.
for s in every_10_min("2026-10-24T22:50:00Z", "2026-10-26T00:10:00Z"):
    rows.append((s, "cdn", "a", "1"))
for s in every_10_min("2026-10-24T22:55:00Z", "2026-10-26T00:05:00Z"):
    rows.append((s, "cdn", "b", "1"))
for s in every_10_min("2026-10-24T22:50:00Z", "2026-10-25T02:00:00Z"):
    rows.append((s, "cdn", "c", "1"))
rows.sort()
with open("evidence/probes.csv", "w", newline="\n") as f:
    f.write("time,service,location,up\n")
    for row in rows:
        f.write(",".join(row) + "\n")
