#!/usr/bin/env bash
# SPEC §13 benchmark: `auditpack report` on the generated workload, timed with
# /usr/bin/time -v (wall time, peak RSS), side by side with DuckDB running the
# equivalent SQL for the access checks (bench/access.sql) on the same files.
#
# Environment:
#   CARGO_TARGET_DIR  where to build (default $HOME/.cache/auditpack-target)
#   BENCH_DIR         the workload (default $HOME/.cache/auditpack-bench); generated
#                     when missing or made with another AUDIT_EVENTS/BENCH_SEED
#   AUDIT_EVENTS      audit events of the workload (default 10000000, about 2 GB)
#   BENCH_SEED        generator seed (default 27001)
#   PROBE_MONTHS      months of probes, the period's included (default 12: about 32 M
#                     rows, so uptime.trailing_availability reads a year, SPEC §19)
#   AUDIT_MONTHS      months of audit log, the period's included (default 1; 12 is the
#                     year workload of SPEC §19: 120 M events, ~24 GB). With more than
#                     one month the script also times `report --from … --to …` over
#                     the whole year of logs, and skips DuckDB (the month's access rows
#                     are the same as the one-month workload's by construction)
#   AUDITPACK         use this binary instead of building one
#   SKIP_DUCKDB=1     time auditpack only
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/auditpack-target}
audit_months=${AUDIT_MONTHS:-1}
if [[ $audit_months == 1 ]]; then
    bench_dir=${BENCH_DIR:-$HOME/.cache/auditpack-bench}
else
    bench_dir=${BENCH_DIR:-$HOME/.cache/auditpack-bench-${audit_months}m}
    SKIP_DUCKDB=1
fi
events=${AUDIT_EVENTS:-10000000}
seed=${BENCH_SEED:-27001}
probe_months=${PROBE_MONTHS:-12}

if [[ ! -x /usr/bin/time ]]; then
    echo "bench: /usr/bin/time is missing (Debian/Ubuntu: apt-get install -y time)" >&2
    exit 2
fi

if [[ -z ${AUDITPACK:-} ]]; then
    echo "== building auditpack (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)" >&2
    (cd "$repo" && cargo build --release --quiet -p auditpack)
    AUDITPACK=$CARGO_TARGET_DIR/release/auditpack
fi

stamp="benchmark workload, seed $seed, $events audit events, $probe_months probe months, $audit_months audit months,"
if ! head -n1 "$bench_dir/expected.txt" 2>/dev/null | grep -qF "$stamp"; then
    echo "== generating the workload ($events audit events, seed $seed) into $bench_dir" >&2
    rm -rf "$bench_dir"
    (cd "$repo" && cargo run --release --quiet -p auditpack-fixturegen -- \
        bench --out "$bench_dir" --seed "$seed" --audit-events "$events" \
        --probe-months "$probe_months" --audit-months "$audit_months" >/dev/null)
fi
if [[ ! -f $bench_dir/keys/auditpack_ed25519 ]]; then
    echo "== signing keys: auditpack keygen --out $bench_dir/keys" >&2
    "$AUDITPACK" --quiet keygen --out "$bench_dir/keys" --identity bench@auditpack.example >&2
fi
echo "== workload: $bench_dir ($(du -sh "$bench_dir/evidence" | cut -f1)), $(head -n1 "$bench_dir/expected.txt")" >&2

# Both tools read the same files from a warm page cache.
find "$bench_dir/evidence" -type f -exec cat {} + >/dev/null

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# `/usr/bin/time -v` prints "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:12.34".
wall_seconds() {
    grep 'Elapsed (wall clock)' "$1" | awk '{print $NF}' |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
# `$1 / $2` to two places, or n/a.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
peak_mb() {
    grep 'Maximum resident set size' "$1" | awk '{printf "%.0f", $NF / 1024}'
}

# A copy of the workload's config with only the inputs whose text matches `$3` (`only`)
# or does not (`without`), as `$1`.
subset_config() {
    python3 - "$bench_dir/auditpack.toml" "$bench_dir/$1" "$2" "$3" <<'PY'
import re, sys
source, target, mode, pattern = sys.argv[1:]
parts = re.split(r'(?m)^(?=\[)', open(source).read())
keep = [p for p in parts
        if not p.startswith('[[input]]') or bool(re.search(pattern, p)) == (mode == 'only')]
open(target, 'w').write(''.join(keep))
PY
}

# `auditpack report --period 2026-10` on the config `$2`, timed into $results/$1.time.
time_report() {
    SOURCE_DATE_EPOCH=1793491200 /usr/bin/time -v -o "$results/$1.time" \
        "$AUDITPACK" --quiet report --config "$bench_dir/$2" --period 2026-10 \
        --out "$results/$1-pack" || { cat "$results/$1.time" >&2; exit 1; }
}

echo "== auditpack report" >&2
time_report auditpack auditpack.toml
pack=$results/auditpack-pack
"$AUDITPACK" --quiet verify "$pack" --allowed-signers "$bench_dir/keys/allowed_signers" \
    --ca "$bench_dir/keys/pdf-signing.crt" >/dev/null &&
    signed="signed, verified" || signed="NOT verified"
ap_wall=$(wall_seconds "$results/auditpack.time")
ap_rss=$(peak_mb "$results/auditpack.time")

# The floor (SPEC §19): one SHA-256 pass over the same inputs, read from the same warm
# page cache — what reading and hashing the bytes once costs on this machine.
echo "== floor: sha256sum over every input file" >&2
inputs_bytes=$(find "$bench_dir/evidence" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
(cd "$bench_dir" && /usr/bin/time -v -o "$results/sha256.time" \
    sh -c 'find evidence -type f -print0 | sort -z | xargs -0 cat | sha256sum >/dev/null')
sha_wall=$(wall_seconds "$results/sha256.time")

# Memory of the audit stream alone (SPEC §19: flat from 1 to 12 months of log): the
# same config with only the audit and leavers inputs.
subset_config auditpack-audit-only.toml only 'kind = "(audit|leavers)"'
echo "== auditpack report, audit inputs only" >&2
time_report audit auditpack-audit-only.toml
audit_wall=$(wall_seconds "$results/audit.time")
audit_rss=$(peak_mb "$results/audit.time")

# SPEC §13's workload as it words it: the same month without what later sections added
# to the benchmark (100 hosts' utilization, §15; probes before the period, §19).
subset_config auditpack-spec13.toml without 'kind = "utilization"|probes-history'
echo "== auditpack report, SPEC §13 inputs only" >&2
time_report spec13 auditpack-spec13.toml
spec13_wall=$(wall_seconds "$results/spec13.time")
spec13_rss=$(peak_mb "$results/spec13.time")

year_wall="" year_rss=""
if [[ $audit_months -gt 1 ]]; then
    # The whole span of the logs as one period: SPEC §19's `report --from … --to …`.
    from=$(python3 -c "
y, m = 2026, 10
for _ in range($audit_months - 1):
    y, m = (y - 1, 12) if m == 1 else (y, m - 1)
print(f'{y:04d}-{m:02d}-01')")
    echo "== auditpack report --from $from --to 2026-10-31" >&2
    SOURCE_DATE_EPOCH=1793491200 /usr/bin/time -v -o "$results/year.time" \
        "$AUDITPACK" --quiet report --config "$bench_dir/auditpack.toml" --from "$from" \
        --to 2026-10-31 --out "$results/year-pack" || { cat "$results/year.time" >&2; exit 1; }
    "$AUDITPACK" --quiet verify "$results/year-pack" --allowed-signers "$bench_dir/keys/allowed_signers" \
        --ca "$bench_dir/keys/pdf-signing.crt" >/dev/null || { echo "year pack NOT verified" >&2; exit 1; }
    year_wall=$(wall_seconds "$results/year.time")
    year_rss=$(peak_mb "$results/year.time")
fi

duck_wall="" duck_rss="" duck_query="" agree="" ratio13=""
if [[ -z ${SKIP_DUCKDB:-} ]]; then
    if ! python3 -c 'import duckdb' 2>/dev/null; then
        echo "== installing duckdb (pip)" >&2
        pip install --quiet duckdb >&2 || true
    fi
    if python3 -c 'import duckdb' 2>/dev/null; then
        echo "== duckdb: bench/access.sql" >&2
        duck_query=$(cd "$bench_dir" && /usr/bin/time -v -o "$results/duckdb.time" \
            python3 "$repo/bench/duckdb_access.py" "$repo/bench/access.sql" "$results/duckdb.csv")
        duck_wall=$(wall_seconds "$results/duckdb.time")
        duck_rss=$(peak_mb "$results/duckdb.time")
        # The same answers? Compare (check, subject, measured) of the three checks.
        awk -F, 'NR > 1 && ($1 == "access.mfa" || $1 == "access.support_ticket" || $1 == "access.leaver_login") {print $1 "," $3 "," $5}' \
            "$pack/findings.csv" | sort >"$results/auditpack.rows"
        sort "$results/duckdb.csv" >"$results/duckdb.rows"
        if cmp -s "$results/auditpack.rows" "$results/duckdb.rows"; then
            agree="same $(wc -l <"$results/duckdb.rows") rows"
        else
            agree="DIFFER: $(comm -3 "$results/auditpack.rows" "$results/duckdb.rows" | wc -l) rows (see below)"
        fi
    else
        echo "== duckdb unavailable: skipped" >&2
    fi
fi

echo
printf '%-34s %10s %14s   %s\n' "" "wall (s)" "peak RSS (MB)" "SPEC §13"
printf '%-34s %10s %14s   %s\n' "auditpack report (whole pack)" "$ap_wall" "$ap_rss" "< 60 s, < 2048 MB; pack $signed"
floor_ratio=$(ratio "$ap_wall" "$sha_wall")
printf '%-34s %10s %14s   %s\n' "sha256sum of the inputs (floor)" "$sha_wall" "" "$(awk -v b="$inputs_bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }'); report / floor = $floor_ratio (SPEC §19 goal <= 3)"
printf '%-34s %10s %14s   %s\n' "auditpack report, audit only" "$audit_wall" "$audit_rss" "$audit_months month$([[ $audit_months == 1 ]] || echo s) of log (SPEC §19: flat within 10 %)"
printf '%-34s %10s %14s   %s\n' "auditpack report, SPEC 13 inputs" "$spec13_wall" "$spec13_rss" "no utilization, one month of probes (SPEC §13's workload)"
if [[ -n $year_wall ]]; then
    printf '%-34s %10s %14s   %s\n' "auditpack report --from $from" "$year_wall" "$year_rss" "SPEC §19: < 1024 MB"
fi
if [[ -n $duck_wall ]]; then
    printf '%-34s %10s %14s   %s\n' "duckdb access SQL (python3)" "$duck_wall" "$duck_rss" "(query alone: $duck_query s)"
    duck_ratio=$(ratio "$ap_wall" "$duck_wall")
    printf '%-34s %10s %14s   %s\n' "ratio auditpack / duckdb" "$duck_ratio" "" "goal <= 0.5 (SPEC §19)"
    ratio13=$(ratio "$spec13_wall" "$duck_wall")
    printf '%-34s %10s %14s   %s\n' "ratio, SPEC 13 inputs / duckdb" "$ratio13" "" "<= 1.5 (SPEC §13)"
    echo "access rows (mfa, support_ticket, leaver_login): $agree"
    if [[ $agree == DIFFER* ]]; then
        echo "  < only auditpack   > only duckdb"
        diff "$results/auditpack.rows" "$results/duckdb.rows" | grep '^[<>]' | head -20
    fi
fi
# SPEC §15 on the workload: what the generator planted beside what the pack found.
echo
echo "SPEC §15 checks (generator's expectation, then the pack's rows):"
grep -E '^(capacity.headroom|monitoring.disk_alerting)' "$bench_dir/expected.txt" | sed 's/^/  expected  /'
awk -F, 'NR > 1 && ($1 == "capacity.headroom" || ($1 == "monitoring.disk_alerting" && $5 > 0)) {
    printf "  found     %s %s %s %s\n", $1, $3, $4, $5 }' "$pack/findings.csv"
awk -F, 'NR > 1 && $1 == "uptime.trailing_availability" { n++; if ($4 == "pass") p++ }
    END { printf "  found     uptime.trailing_availability: %d services over %s probe months, %d pass\n", n, "'"$probe_months"'", p }' \
    "$pack/findings.csv"
if [[ $audit_months == 1 ]]; then
    awk -v w="$ap_wall" -v m="$ap_rss" -v r="$ratio13" 'BEGIN {
        ok = w < 60 && m < 2048 && (r == "" || r <= 1.5)
        printf "auditpack within SPEC §13 limits (60 s, 2 GB%s): %s\n",
            (r == "" ? "" : ", 1.5x DuckDB on its inputs"), ok ? "yes" : "NO" }'
else
    # §13's 60 s is for its one-month workload; §19 bounds the memory of the longer runs.
    awk -v m="$ap_rss" -v y="$year_rss" 'BEGIN {
        printf "auditpack within SPEC §19 limits (peak < 1024 MB, month and span): %s\n",
            (m < 1024 && y < 1024) ? "yes" : "NO" }'
fi
