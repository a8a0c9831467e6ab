#!/usr/bin/env python3
"""Writes this golden case's evidence: two tenants, acme and globex, on one platform.
README.md says what acme's due-diligence pack must keep, drop and rename."""
import json, os
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00"))
def z(d): return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
def hours(start, end, step):
    d = t(start)
    while d <= t(end):
        yield d
        d += timedelta(hours=step)

os.makedirs("evidence/audit", exist_ok=True)
os.makedirs("evidence/globex", exist_ok=True)

# Probes: one platform service, two locations, every 15 min; both down at 10:00 on
# 15 October, for one sample (15 min).
with open("evidence/probes.csv", "w", newline="\n") as f:
    f.write("time,service,location,up\n")
    for d in hours("2026-09-30T23:00:00Z", "2026-11-01T00:00:00Z", 0.25):
        for loc in ("fra", "dub"):
            up = "false" if z(d) == "2026-10-15T10:00:00Z" else "true"
            f.write(f"{z(d)},portal,{loc},{up}\n")

# Backups with a tenant column: acme's database and the shared ledger (no tenant), and
# one row that cannot be read: its reason quotes `globex`.
rows = []
for d in hours("2026-09-30T20:00:00Z", "2026-10-31T20:00:00Z", 4):
    rows.append(("acme-db", d, "acme-db-primary", "eu-west-1", "acme"))
    rows.append(("shared-ledger", d + timedelta(minutes=30), "ledger-primary", "eu-west-1", ""))
for d in hours("2026-09-30T02:00:00Z", "2026-10-31T02:00:00Z", 24):
    rows.append(("acme-db", d, "acme-db-offsite", "eu-central-1", "acme"))
    rows.append(("shared-ledger", d + timedelta(minutes=30), "ledger-offsite", "eu-central-1", ""))
# Month-end points kept for retention.
rows.append(("acme-db", t("2026-07-31T20:00:00Z"), "acme-db-primary", "eu-west-1", "acme"))
rows.append(("shared-ledger", t("2026-07-31T20:30:00Z"), "ledger-primary", "eu-west-1", ""))
rows.sort(key=lambda r: (r[1], r[0], r[2]))
with open("evidence/backups.csv", "w", newline="\n") as f:
    f.write("source,started_at,finished_at,status,snapshot_id,repository,region,encrypted,tenant\n")
    for i, (source, d, repo, region, tenant) in enumerate(rows):
        f.write(f"{source},{z(d)},{z(d + timedelta(minutes=10))},success,{source}-{i},{repo},{region},true,{tenant}\n")
        if i == 40:
            f.write(f"shared-ledger,{z(d)},{z(d)},success,bad,ledger-primary,eu-west-1,globex,\n")

# globex's own file: its input declares tenant = "globex"; the rows name no tenant.
# Every 6 hours (fails the 4 h RPO, waived) and never offsite (fails, not waived).
with open("evidence/globex/backups.csv", "w", newline="\n") as f:
    f.write("source,started_at,finished_at,status,snapshot_id,repository,region,encrypted\n")
    for i, d in enumerate(hours("2026-09-30T18:00:00Z", "2026-10-31T18:00:00Z", 6)):
        f.write(f"globex-files,{z(d)},{z(d + timedelta(minutes=5))},success,globex-files-{i},globex-files-primary,eu-west-1,true\n")

with open("evidence/restore_tests.csv", "w", newline="\n") as f:
    f.write("source,tested_at,outcome,snapshot_id,reference\n")
    f.write("shared-ledger,2026-09-01T03:00:00Z,success,,RT-LEDGER-9\n")
    f.write("acme-db,2026-10-10T03:00:00Z,success,acme-db-100,RT-ACME-10\n")
    f.write("globex-files,2026-10-11T03:00:00Z,success,globex-files-40,RT-GLOBEX-10\n")

def ev(time, actor, action, **extra):
    d = {"time": time, "actor": actor, "action": action, "outcome": "success"}
    d.update(extra)
    return d

# The admin console: staff only, no tenant.
console = [ev("2026-09-20T08:00:00Z", "alice", "credential_rotated", target="vault-root", ip="198.51.100.10")]
for day in range(1, 32):
    dt = f"2026-10-{day:02d}"
    console.append(ev(f"{dt}T08:00:00Z", "alice", "login", role="admin", mfa=(day != 7), ip="198.51.100.10"))
    console.append(ev(f"{dt}T09:00:00Z", "bob", "login", role="support", mfa=True, ip="198.51.100.20"))
    if day < 12:
        console.append(ev(f"{dt}T09:30:00Z", "carol", "login", role="support", mfa=True, ip="198.51.100.30"))
console.append(ev("2026-10-12T20:00:00Z", "alice", "credential_rotated", target="vault-root", ip="198.51.100.10"))
console.append(ev("2026-10-13T09:00:00Z", "alice", "deactivate", target="carol", ip="198.51.100.10"))
console.sort(key=lambda e: e["time"])

# The application: both tenants' users, and support staff entering tenants.
app = []
for day in range(1, 32):
    dt = f"2026-10-{day:02d}"
    app.append(ev(f"{dt}T07:00:00Z", "ann@acme.example", "login", role="customer", tenant="acme", mfa=True, ip="203.0.113.5"))
    app.append(ev(f"{dt}T07:10:00Z", "gina@globex.example", "login", role="customer", tenant="globex", mfa=True, ip="192.0.2.7"))
    if day % 3 == 0:
        app.append(ev(f"{dt}T11:00:00Z", "bob", "support_access", role="support", tenant="acme",
                      target="ann@acme.example", ticket="" if day == 12 else f"ACME-{day}", ip="198.51.100.20"))
    if day % 4 == 0:
        app.append(ev(f"{dt}T12:00:00Z", "carol" if day < 12 else "bob", "support_access", role="support",
                      tenant="globex", target="gina@globex.example", ticket=f"GLX-{day}", ip="198.51.100.31"))
app.append(ev("2026-10-05T10:00:00Z", "dave@globex.example", "login", role="admin", tenant="globex", mfa=False, ip="192.0.2.8"))
app.append(ev("2026-10-06T10:00:00Z", "bob", "login", role="support", tenant="globex", mfa=False, ip="192.0.2.99"))
app.append(ev("2026-10-09T10:00:00Z", "aaron@acme.example", "login", role="customer", tenant="acme", mfa=True, ip="203.0.113.6"))
app.sort(key=lambda e: e["time"])

for name, events in (("console", console), ("app", app)):
    with open(f"evidence/audit/{name}.ndjson", "w", newline="\n") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")

with open("evidence/leavers.csv", "w", newline="\n") as f:
    f.write("actor,left_at,role\ncarol,2026-10-12T09:00:00Z,support\n")

with open("evidence/alerts.csv", "w", newline="\n") as f:
    f.write("alert,target,started_at,severity,resolved_at\n")
    f.write("BackupMissed,globex-files,2026-10-08T01:00:00Z,warning,2026-10-08T03:00:00Z\n")
    f.write("HighCPU,lb-1,2026-10-09T01:00:00Z,warning,2026-10-09T01:30:00Z\n")
print("backups", len(rows), "console", len(console), "app", len(app))
