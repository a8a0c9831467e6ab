#!/usr/bin/env python3
"""Writes this golden case's evidence; README.md computes the expected figures by hand.

Every service is probed every 10 minutes from 2026-09-30T23:50Z to 2026-10-02T00:00Z
(up, no latency) by location `a`; the rows below add the latency values the case is
about (some at the same instants as the background rows are replaced, not doubled).
"""
from datetime import datetime, timedelta, timezone

def t(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))

def z(d):
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

# (service, time, up, latency_ms): the samples that carry a latency value.
special = [
    # pay: 20 up samples 10, 20, …, 200 ms, one every 10 minutes from 01:00.
    *[("pay", z(t("2026-10-01T01:00:00Z") + timedelta(minutes=10 * i)), "1", f"{10 * (i + 1)}")
      for i in range(20)],
    # api
    ("api", "2026-09-30T23:50:00Z", "1", "9999"),   # before the period: out
    ("api", "2026-10-01T01:00:00Z", "1", "100"),
    ("api", "2026-10-01T02:00:00Z", "1", "150"),
    ("api", "2026-10-01T03:00:00Z", "1", "200"),
    ("api", "2026-10-01T04:00:00Z", "0", "5000"),   # down: not an up sample
    ("api", "2026-10-01T06:00:00Z", "1", "9000"),   # inside CHG-1 [06:00, 07:00): left out
    ("api", "2026-10-01T12:30:00Z", "1", "8000"),   # inside CHG-ALL (*) [12:00, 13:00): left out
    ("api", "2026-10-01T13:00:00Z", "1", "250"),    # the `*` window's end: counted
    ("api", "2026-10-01T15:30:00Z", "1", "300"),    # inside CHG-LATE (late, not scheduled): counted
    # jobs: latency only inside the `*` window
    ("jobs", "2026-10-01T12:10:00Z", "1", "100"),
    ("jobs", "2026-10-01T12:20:00Z", "1", "100"),
    ("jobs", "2026-10-01T12:30:00Z", "1", "100"),
]
by_key = {(s, tm): (up, ms) for s, tm, up, ms in special}
rows = []
for service in ["api", "jobs", "pay", "web"]:
    d = t("2026-09-30T23:50:00Z")
    while d <= t("2026-10-02T00:00:00Z"):
        up, ms = by_key.pop((service, z(d)), ("1", ""))
        rows.append((z(d), service, "a", up, ms))
        d += timedelta(minutes=10)
assert not by_key, by_key
with open("evidence/probes.csv", "w") as f:
    f.write("time,service,location,up,latency_ms\n")
    for row in rows:
        f.write(",".join(row) + "\n")
with open("evidence/maintenance.csv", "w") as f:
    f.write("service,start,end,announced_at,reference\n")
    f.write("api,2026-10-01T06:00:00Z,2026-10-01T07:00:00Z,2026-09-20T00:00:00Z,CHG-1\n")
    f.write("*,2026-10-01T12:00:00Z,2026-10-01T13:00:00Z,2026-09-20T00:00:00Z,CHG-ALL\n")
    f.write("api,2026-10-01T15:00:00Z,2026-10-01T16:00:00Z,2026-10-01T14:00:00Z,CHG-LATE\n")
