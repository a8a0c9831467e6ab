#!/usr/bin/env python3
"""Run bench/access.sql with DuckDB in the workload directory (the current one).

Prints each check's rows as CSV-ish lines (check_id,subject,measured) to the file
named by the first argument, and the elapsed seconds on stdout. A statement ends
with a line ending in `;`; lines starting with `--` are comments.
"""
import sys
import time

import duckdb

sql_path, out_path = sys.argv[1], sys.argv[2]
statements, current = [], []
for line in open(sql_path, encoding="utf-8"):
    if line.lstrip().startswith("--"):
        continue
    current.append(line)
    if line.rstrip().endswith(";"):
        statements.append("".join(current))
        current = []

started = time.monotonic()
con = duckdb.connect()
rows = []
for statement in statements:
    result = con.execute(statement)
    if result.description and result.description[0][0] == "check_id":
        rows.extend(result.fetchall())
elapsed = time.monotonic() - started
with open(out_path, "w", encoding="utf-8") as out:
    for row in rows:
        out.write(f"{row[0]},{row[1]},{row[2]}\n")
print(f"{elapsed:.2f}")
