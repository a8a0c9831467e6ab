#!/usr/bin/env python3
"""Writes this golden case's evidence. The expected figures are computed by hand in
README.md, not by running auditpack: the golden files were accepted only because they
agree with that hand computation."""
from datetime import datetime, timedelta, timezone

def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)

def z(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")

OFFSET = {"nyc": 0, "lon": 20, "sfo": 40}

def down_api(loc, when):
    """Planted downtime of `api`, by location (times are sample times)."""
    hm = when.strftime("%H:%M")
    day = when.day
    # (f) 03:50-04:29 nyc, lon: inside the scheduled window that starts before the period.
    if day == 1 and "03:50" <= hm <= "04:29" and loc in ("nyc", "lon"):
        return True
    # (a) 10:00-10:09 nyc, lon.
    if day == 1 and "10:00" <= hm <= "10:09" and loc in ("nyc", "lon"):
        return True
    # (g) a lone sfo blip at 12:00.
    if day == 1 and hm == "12:00" and loc == "sfo":
        return True
    # (c) 19:50-20:59 nyc, lon: the scheduled window 20:00-21:00 cuts it.
    if day == 1 and "19:50" <= hm <= "20:59" and loc in ("nyc", "lon"):
        return True
    # (d) 23:10-23:19 everyone, inside the late window.
    if day == 1 and "23:10" <= hm <= "23:19":
        return True
    # (e) from 04:55 on 2 November nyc, lon: crosses the period end at 05:00.
    if day == 2 and hm >= "04:55" and loc in ("nyc", "lon"):
        return True
    return False

def silent_api(loc, when):
    hm = when.strftime("%H:%M")
    # (b) sfo silent 14:01-15:59, lon silent 15:01-15:29.
    if when.day == 1 and loc == "sfo" and "14:00" <= hm < "16:00":
        return True
    if when.day == 1 and loc == "lon" and "15:00" <= hm < "15:30":
        return True
    return False

def silent_web(loc, when):
    return when.day == 1 and loc == "nyc" and "09:00" <= when.strftime("%H:%M") < "09:30"

rows = []
start, end = t("2026-11-01T03:50:00"), t("2026-11-02T05:10:00")
minute = start
while minute <= end:
    for loc in ("nyc", "lon", "sfo"):
        when = minute + timedelta(seconds=OFFSET[loc])
        if not silent_api(loc, when):
            rows.append((when, "api", loc, 0 if down_api(loc, when) else 1))
        if loc != "sfo" and not silent_web(loc, when):
            # web: one lone lon failure at 08:00 (below the quorum of 2 of 2).
            up = 0 if (loc == "lon" and minute == t("2026-11-01T08:00:00")) else 1
            rows.append((when, "web", loc, up))
    minute += timedelta(minutes=1)
rows.sort()
with open("evidence/probes.csv", "w", newline="\n") as f:
    f.write("time,service,location,up\n")
    for i, (when, service, loc, up) in enumerate(rows):
        f.write(f"{z(when)},{service},{loc},{up}\n")
        if i == 10:
            f.write("2026-11-01T03:53:00,api,nyc,1\n")  # no offset: rejected
        if i == 20:
            f.write("2026-11-01T03:56:00Z,api,nyc,sometimes\n")  # bad boolean: rejected
        if i == 30:
            f.write("2026-11-01T03:57:00Z,api\n")  # too few fields: rejected

with open("evidence/maintenance.csv", "w", newline="\n") as f:
    f.write("service,start,end,announced_at,reference\n")
    f.write("api,2026-11-01T03:00:00Z,2026-11-01T04:30:00Z,2026-10-01T00:00:00Z,CHG-1\n")
    f.write("api,2026-11-01T20:00:00Z,2026-11-01T21:00:00Z,2026-10-20T00:00:00Z,CHG-2\n")
    f.write("*,2026-11-01T23:00:00Z,2026-11-01T23:30:00Z,2026-11-01T00:00:00Z,CHG-3\n")
