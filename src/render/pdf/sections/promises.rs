//! The hosting promises section (SPEC §15): maintenance announced and out of hours,
//! responsiveness, availability over the trailing months, spare capacity, disk alerts
//! and backup tiers. Per check its findings rows and its offending rows (the checks'
//! flags), like the access and logging sections; and per service with latency values
//! the daily p50/p95 chart against the target, from the model's daily figures.

use super::super::calendar;
use super::super::chart::{self, BarLegend, DayBar};
use super::super::layout::{colour, Layout, Style};
use super::super::text::Font;
use super::checks::{self, column, CheckView, EventColumn, Offending, Value};
use super::Context;
use crate::model::{columns, CheckId, Millis};
use crate::time::format_duration;

const NOTICE_COLUMNS: &[EventColumn] = &[
    column("Service", 62.0, Value::Field(columns::SERVICE)),
    column("Start (local)", 88.0, Value::Field(columns::START)),
    column("End (local)", 88.0, Value::Field(columns::END)),
    column(
        "Announced (local)",
        88.0,
        Value::TimeOr(columns::ANNOUNCED_AT, "never"),
    ),
    column("Verdict", 62.0, Value::Field(columns::VERDICT)),
    column("Reference", 105.0, Value::Field(columns::REFERENCE)),
];

const BUSINESS_HOURS_COLUMNS: &[EventColumn] = &[
    column("Service", 70.0, Value::Field(columns::SERVICE)),
    column("Start (local)", 92.0, Value::Field(columns::START)),
    column("End (local)", 92.0, Value::Field(columns::END)),
    column(
        "In business hours",
        75.0,
        Value::Field(columns::MINUTES_IN_BUSINESS_HOURS),
    ),
    column("Reference", 164.0, Value::Field(columns::REFERENCE)),
];

const LATENCY_COLUMNS: &[EventColumn] = &[
    column("Service", 123.0, Value::Field(columns::SERVICE)),
    column("Samples", 60.0, Value::Field(columns::SAMPLES)),
    column("p50", 62.0, Value::Field(columns::P50_MS)),
    column("p95", 62.0, Value::Field(columns::P95_MS)),
    column("p99", 62.0, Value::Field(columns::P99_MS)),
    column("Max", 62.0, Value::Field(columns::MAX_MS)),
    column(
        "In maintenance",
        62.0,
        Value::Field(columns::EXCLUDED_SCHEDULED),
    ),
];

const TRAILING_COLUMNS: &[EventColumn] = &[
    column("Service", 80.0, Value::Field(columns::SERVICE)),
    column("From (local)", 88.0, Value::Field(columns::START)),
    column("First sample", 88.0, Value::Field(columns::FIRST_SAMPLE)),
    column("Down", 55.0, Value::Field(columns::DOWN_SECONDS)),
    column("No data", 62.0, Value::Field(columns::NO_DATA_SECONDS)),
    column(
        "Availability",
        60.0,
        Value::Field(columns::AVAILABILITY_PERCENT),
    ),
    column("Covered", 60.0, Value::Field(columns::COVERED_PERCENT)),
];

const HEADROOM_COLUMNS: &[EventColumn] = &[
    column("Cluster", 62.0, Value::Field(columns::CLUSTER)),
    column("Worst minute (local)", 88.0, Value::Field(columns::TIME)),
    column("Hosts", 38.0, Value::Field(columns::HOSTS_SAMPLED)),
    column("Load sum", 60.0, Value::Field(columns::LOAD_SUM_PERCENT)),
    column(
        "On survivors",
        62.0,
        Value::Field(columns::SURVIVOR_LOAD_PERCENT),
    ),
    column("Host", 70.0, Value::Field(columns::HOST)),
    column("Used", 50.0, Value::Field(columns::USED_PERCENT)),
    column("File:line", 63.0, Value::PathLine),
];

const DISK_COLUMNS: &[EventColumn] = &[
    column("Host", 62.0, Value::Field(columns::HOST)),
    column("Mount", 45.0, Value::Field(columns::MOUNT)),
    column("Breach from (local)", 88.0, Value::Field(columns::START)),
    column("Peak", 50.0, Value::Field(columns::PEAK_USED_PERCENT)),
    column("Why", 185.0, Value::Field(columns::NOTE)),
    column("File:line", 63.0, Value::PathLine),
];

const TIER_COLUMNS: &[EventColumn] = &[
    column("Source", 110.0, Value::Field(columns::SOURCE)),
    column("Tier", 60.0, Value::Field(columns::TIER)),
    column("Slot", 80.0, Value::Field(columns::SLOT)),
    column("From (local)", 121.0, Value::Field(columns::START)),
    column("Until (local)", 121.0, Value::Field(columns::END)),
];

pub fn promises(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let policy = &assessment.policy;
    let tiers = &policy.retention_tiers;
    layout.paragraph(
        &format!(
            "Targets: maintenance announced at least {} ahead and at most {} of it inside \
             business hours ({} on {}); p95 latency of up probes at most {} ms; \
             availability over the last {} months at least {}%; the load of a cluster \
             after losing {} host{} at most {}% per host; a disk over {}% alerted within \
             {}; restorable backups in each of the last {} days, {} weeks and {} months. \
             Times are local ({}).",
            format_duration(policy.maintenance_notice),
            format_duration(policy.maintenance_business_hours_max),
            policy.business_hours_text(),
            policy.business_days_text(),
            policy.latency_p95_max,
            policy.trailing_months,
            policy.trailing_uptime_target_percent,
            policy.capacity_margin_hosts,
            if policy.capacity_margin_hosts == 1 {
                ""
            } else {
                "s"
            },
            policy.capacity_failover_max_percent,
            policy.disk_alert_threshold_percent,
            format_duration(policy.disk_alert_delay_max),
            tiers.daily,
            tiers.weekly,
            tiers.monthly,
            assessment.organisation.timezone.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(6.0);
    checks::family(
        layout,
        context,
        Some("Maintenance"),
        &[
            CheckView {
                check: CheckId::MaintenanceNotice,
                title: "Maintenance announced in time",
                subject: "Service",
                offending: Offending::Measurements {
                    what: (
                        "window announced late or never",
                        "windows announced late or never",
                    ),
                    scope: "window touching the period",
                },
                columns: NOTICE_COLUMNS,
            },
            CheckView {
                check: CheckId::MaintenanceBusinessHours,
                title: "Scheduled maintenance inside business hours",
                subject: "Service",
                offending: Offending::Measurements {
                    what: (
                        "scheduled window inside business hours",
                        "scheduled windows inside business hours",
                    ),
                    scope: "scheduled window with minutes inside business hours",
                },
                columns: BUSINESS_HOURS_COLUMNS,
            },
        ],
    );
    maintenance_calendar(layout, context);
    checks::family(
        layout,
        context,
        Some("Responsiveness"),
        &[CheckView {
            check: CheckId::UptimeLatency,
            title: "p95 latency of up probes",
            subject: "Service",
            offending: Offending::Measurements {
                what: ("service over the target", "services over the target"),
                scope: "service with latency values",
            },
            columns: LATENCY_COLUMNS,
        }],
    );
    latency_charts(layout, context);
    checks::family(
        layout,
        context,
        Some("Availability over the trailing months"),
        &[CheckView {
            check: CheckId::UptimeTrailingAvailability,
            title: "Availability over the trailing window",
            subject: "Service",
            offending: Offending::Measurements {
                what: ("service under the target", "services under the target"),
                scope: "service",
            },
            columns: TRAILING_COLUMNS,
        }],
    );
    checks::family(
        layout,
        context,
        Some("Capacity and disks"),
        &[
            CheckView {
                check: CheckId::CapacityHeadroom,
                title: "Load on the survivors after losing the margin",
                subject: "Cluster",
                offending: Offending::Measurements {
                    what: (
                        "sample of a cluster over its limit",
                        "samples of clusters over their limit",
                    ),
                    scope: "host sample at each cluster's worst minute",
                },
                columns: HEADROOM_COLUMNS,
            },
            CheckView {
                check: CheckId::MonitoringDiskAlerting,
                title: "Disk breaches without a timely alert",
                subject: "Host",
                offending: Offending::Measurements {
                    what: (
                        "breach alerted late or never",
                        "breaches alerted late or never",
                    ),
                    scope: "disk breach starting in the period",
                },
                columns: DISK_COLUMNS,
            },
        ],
    );
    capacity_charts(layout, context);
    checks::family(
        layout,
        context,
        Some("Backup tiers"),
        &[CheckView {
            check: CheckId::BackupRetentionTiers,
            title: "Tier slots without a restorable point",
            subject: "Source",
            offending: Offending::Measurements {
                what: (
                    "slot without a restorable point",
                    "slots without a restorable point",
                ),
                scope: "tier slot",
            },
            columns: TIER_COLUMNS,
        }],
    );
}

/// The daily p50/p95 latency of each service with latency values, against the target.
fn latency_charts(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let target = assessment.policy.latency_p95_max as f64;
    let legend = BarLegend {
        bar: "p50 of the day",
        marker: Some("p95 of the day"),
        over: "p95 over the target",
        target: format!("target p95 {target} ms"),
        unit: "ms",
    };
    for figure in assessment.latency_figures() {
        let days: Vec<DayBar<'_>> = figure
            .latency
            .daily
            .iter()
            .zip(&figure.days_over_target)
            .map(|(day, &over)| DayBar {
                date: &day.date,
                bar: Some(day.p50),
                marker: Some(day.p95),
                over,
            })
            .collect();
        layout.subheading(
            &format!("Daily latency: {}", figure.service),
            chart::BARS_CHART_HEIGHT,
        );
        chart::daily_bars(layout, &days, target, &legend);
    }
}

/// The month's maintenance windows on a calendar with business hours shaded.
fn maintenance_calendar(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    if assessment.maintenance.is_empty() {
        return;
    }
    let days: Vec<(String, Millis, Millis)> = assessment
        .period
        .local_days()
        .into_iter()
        .map(|(date, start, end)| (date.format("%a %e").to_string(), start, end))
        .collect();
    layout.subheading("Maintenance calendar", calendar::height(days.len()));
    calendar::calendar(
        layout,
        &days,
        &assessment.business_hours,
        &assessment.maintenance,
    );
}

/// Each cluster's daily peak load on the survivors, against the limit.
fn capacity_charts(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let policy = &assessment.policy;
    let limit = policy.capacity_failover_max_percent;
    let legend = BarLegend {
        bar: "peak of the day",
        marker: None,
        over: "over the limit",
        target: format!("limit {limit}% of one host"),
        unit: "%",
    };
    for cluster in &assessment.capacity {
        let days: Vec<DayBar<'_>> = cluster
            .daily
            .iter()
            .map(|day| DayBar {
                date: &day.date,
                bar: day.peak,
                marker: None,
                over: day.over_limit,
            })
            .collect();
        layout.subheading(
            &format!(
                "Daily peak load after losing {} host{}: {}",
                policy.capacity_margin_hosts,
                if policy.capacity_margin_hosts == 1 {
                    ""
                } else {
                    "s"
                },
                cluster.cluster
            ),
            chart::BARS_CHART_HEIGHT,
        );
        chart::daily_bars(layout, &days, limit, &legend);
    }
}
