#!/usr/bin/env python3
"""Writes this golden case's evidence; README.md computes the expected figures by hand."""
import hashlib, json

def ev(time, actor, action, outcome="success", **extra):
    d = {"time": time, "actor": actor, "action": action, "outcome": outcome}
    d.update(extra)
    return d

def write_chained(path, events, tamper=None, malformed=()):
    """One JSON object a line; prev_hash = SHA-256 of the previous line's bytes.
    `malformed` lines are written as given (they are part of the chain too); `tamper`
    (index, key, value) edits a line AFTER the chain was computed."""
    lines, prev = [], ""
    items = list(events)
    for i, item in enumerate(items):
        if isinstance(item, str):
            line = item
        else:
            item = dict(item)
            item["prev_hash"] = prev
            line = json.dumps(item, separators=(",", ":"))
        lines.append(line)
        prev = hashlib.sha256(line.encode()).hexdigest()
    if tamper:
        index, key, value = tamper
        obj = json.loads(lines[index])
        obj[key] = value
        lines[index] = json.dumps(obj, separators=(",", ":"))
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return lines

app = [ev("2026-09-20T10:00:00Z", "alice", "deactivate", target="mallory", role="admin")]
for day in range(1, 32):
    d = f"2026-10-{day:02d}"
    app.append(ev(f"{d}T08:00:00Z", "alice", "login", role="admin", mfa=(day != 9), ip="198.51.100.7"))
    app.append(ev(f"{d}T09:00:00Z", "bob", "login", role="support", mfa=True))
    app.append(ev(f"{d}T10:00:00Z", "frank", "login", role="engineer"))
extra = [
    ev("2026-10-01T00:00:00Z", "alice", "credential_rotated", target="support-vault"),
    ev("2026-10-02T12:00:00Z", "alice", "deactivate", target="oscar"),
    ev("2026-10-03T12:00:00Z", "alice", "reactivate", target="oscar"),
    ev("2026-10-04T09:30:00Z", "oscar", "login", role="engineer"),
    ev("2026-10-05T09:15:00Z", "carol", "login", role="support", mfa=True),
    ev("2026-10-05T11:00:00Z", "mallory", "login", role="engineer", tenant="acme"),
    ev("2026-10-05T12:00:00Z", "alice", "credential_rotated", target="db-root"),
    ev("2026-10-11T08:30:00Z", "carol", "login", role="support", mfa=True),
    ev("2026-10-11T20:00:00Z", "alice", "credential_rotated", target="support-vault"),
    ev("2026-10-12T09:00:00Z", "alice", "deactivate", target="carol"),
    ev("2026-10-13T08:30:00Z", "carol", "login", role="support", mfa=False),
    ev("2026-10-14T08:00:00Z", "carol", "login", outcome="failure", role="support"),
    ev("2026-10-20T15:00:00Z", "alice", "deactivate", target="dave"),
]
app = sorted(app + extra, key=lambda e: e["time"])
# Three malformed lines among the good ones (after events 40, 41 and 80).
app.insert(41, '{"time":"2026-10-14T08:10:00Z","actor":"x","action":"login",')
app.insert(43, {"time": "2026-10-14T08:20:00Z", "action": "login", "outcome": "success"})  # no actor
app.insert(82, {"time": "14/10/2026 08:30", "actor": "y", "action": "login", "outcome": "success"})  # bad time
lines = write_chained("evidence/audit/app.ndjson", app)

portal = []
for day in range(1, 32):
    d = f"2026-10-{day:02d}"
    if day == 21:
        portal.append(ev(f"{d}T20:00:00Z", "bob", "support_access", tenant="acme", ticket=f"T-{day}"))
        continue
    portal.append(ev(f"{d}T13:00:00Z", "bob", "support_access", tenant="acme", ticket="" if day == 14 else f"T-{day}"))
    portal.append(ev(f"{d}T14:00:00Z", "bob", "support_access", tenant="globex", ticket=f"G-{day}"))
# Tamper with the 7 October acme access (line 13) after the chain was written.
write_chained("evidence/audit/portal.ndjson", portal, tamper=(12, "ticket", "T-777"))
print("app lines", len(lines))
for i, l in enumerate(lines):
    if not l.endswith("}") or '"actor"' not in l or "14/10" in l:
        print("malformed at line", i + 1)
