#!/usr/bin/env python3
"""Writes this golden case's evidence; README.md computes the expected figures by hand."""
import hashlib, json

def ev(time, actor, action="login", outcome="success"):
    return {"time": time, "actor": actor, "action": action, "outcome": outcome}

def chain(items, terminator="\n"):
    """prev_hash = SHA-256 of the previous line's bytes without its terminator.
    A string item is written as it is (a malformed line still takes its place in the chain)."""
    lines, prev = [], ""
    for item in items:
        if isinstance(item, str):
            line = item
        else:
            item = dict(item, prev_hash=prev)
            line = json.dumps(item, separators=(",", ":"))
        lines.append(line)
        prev = hashlib.sha256(line.encode()).hexdigest()
    return lines

def write(path, lines, terminator="\n"):
    with open(path, "w", newline="") as f:
        f.write(terminator.join(lines) + terminator)

# good: an intact chain; line 4 is broken JSON and is hashed as it is.
write("evidence/audit/good.ndjson", chain([
    ev("2026-10-01T08:00:00Z", "alice"), ev("2026-10-01T12:00:00Z", "bob"),
    ev("2026-10-02T08:00:00Z", "alice"), '{"time":"2026-10-02T09:00:00Z","actor":"bob",',
    ev("2026-10-02T12:00:00Z", "bob"), ev("2026-10-03T08:00:00Z", "alice")]))

# tampered: line 3 is edited after the chain was written; line 6 lost its prev_hash.
lines = chain([ev(f"2026-10-0{1 + i // 3}T{8 + 4 * (i % 3):02d}:00:00Z", "carol") for i in range(8)])
edited = json.loads(lines[2]); edited["actor"] = "mallory"
lines[2] = json.dumps(edited, separators=(",", ":"))
blanked = json.loads(lines[5]); blanked["prev_hash"] = ""
lines[5] = json.dumps(blanked, separators=(",", ":"))
write("evidence/audit/tampered.ndjson", lines)

# crlf: an intact chain written with CRLF line endings (the terminator is not hashed).
write("evidence/audit/crlf.ndjson", chain([
    ev("2026-10-01T09:00:00Z", "dave"), ev("2026-10-02T09:00:00Z", "dave"),
    ev("2026-10-03T09:00:00Z", "dave"), ev("2026-10-03T21:00:00Z", "dave", "logout")]), "\r\n")

# nochain: no prev_hash column at all.
write("evidence/audit/nochain.ndjson", [json.dumps(ev(t, "erin"), separators=(",", ":"))
    for t in ("2026-10-01T10:00:00Z", "2026-10-02T10:00:00Z", "2026-10-03T10:00:00Z")])
