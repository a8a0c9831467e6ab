-- SPEC §13: the access checks of `auditpack report`, as DuckDB SQL, on the same
-- files. Run from the workload directory: bench/run.sh times it side by side.
-- Period: October 2026, UTC (the benchmark organisation's zone). MFA-required
-- roles: admin, support. Only successful events count; an empty ticket is none.

SET threads = 2;
SET TimeZone = 'UTC';

-- One pass over the NDJSON: keep only the rows and columns the checks need.
CREATE TEMP TABLE audit AS
SELECT time, actor, action, role, tenant, mfa, target, ticket
FROM read_ndjson(
    'evidence/audit/*.ndjson',
    columns = {
        time: 'TIMESTAMPTZ', actor: 'VARCHAR', action: 'VARCHAR', outcome: 'VARCHAR',
        role: 'VARCHAR', tenant: 'VARCHAR', mfa: 'BOOLEAN', target: 'VARCHAR',
        ticket: 'VARCHAR'
    },
    format = 'newline_delimited'
)
WHERE outcome = 'success'
  AND action IN ('login', 'support_access', 'deactivate', 'reactivate');

CREATE TEMP MACRO in_period(t) AS
    t >= TIMESTAMPTZ '2026-10-01 00:00:00+00' AND t < TIMESTAMPTZ '2026-11-01 00:00:00+00';

-- access.mfa: per actor, successful in-period logins under an MFA-required role
-- without MFA (a missing mfa is no MFA).
SELECT 'access.mfa' AS check_id, actor AS subject,
       count(*) FILTER (WHERE mfa IS DISTINCT FROM true) AS measured,
       count(*) AS logins
FROM audit
WHERE action = 'login' AND lower(role) IN ('admin', 'support') AND in_period(time)
GROUP BY actor
ORDER BY actor;

-- access.support_ticket: per tenant, in-period support accesses without a ticket.
SELECT 'access.support_ticket' AS check_id, coalesce(tenant, '(no tenant)') AS subject,
       count(*) FILTER (WHERE ticket IS NULL OR trim(ticket) = '') AS measured,
       count(*) AS accesses
FROM audit
WHERE action = 'support_access' AND in_period(time)
GROUP BY 2
ORDER BY 2;

-- access.leaver_login: per leaver or deactivated account, in-period logins after
-- the holder left or while the account's latest lifecycle event is a deactivation.
WITH leavers AS (
    SELECT actor, max(left_at) AS left_at
    FROM read_csv('evidence/leavers.csv', header = true,
                  columns = {actor: 'VARCHAR', left_at: 'TIMESTAMPTZ', role: 'VARCHAR'})
    GROUP BY actor
),
lifecycle AS (
    SELECT target AS account, time, action = 'deactivate' AS deactivated
    FROM audit
    WHERE action IN ('deactivate', 'reactivate') AND target IS NOT NULL
),
subjects AS (
    SELECT actor AS subject FROM leavers
    UNION
    SELECT account FROM lifecycle
    WHERE deactivated AND time < TIMESTAMPTZ '2026-11-01 00:00:00+00'
),
logins AS (
    SELECT l.actor, l.time
    FROM audit l SEMI JOIN subjects s ON l.actor = s.subject
    WHERE l.action = 'login' AND in_period(l.time)
),
judged AS (
    SELECT g.actor, g.time, c.deactivated, v.left_at
    FROM logins g
    ASOF LEFT JOIN lifecycle c ON g.actor = c.account AND g.time > c.time
    LEFT JOIN leavers v ON v.actor = g.actor
)
SELECT 'access.leaver_login' AS check_id, s.subject,
       count(j.time) FILTER (WHERE j.time > j.left_at OR coalesce(j.deactivated, false)) AS measured
FROM subjects s LEFT JOIN judged j ON j.actor = s.subject
GROUP BY s.subject
ORDER BY s.subject;
