//! The maintenance family (SPEC §15): `maintenance.notice` and
//! `maintenance.business_hours`, one row per service as the windows write it (`*`
//! included). What they share, and what the uptime family reads too, is here: every
//! window of the `maintenance` inputs with the verdict on its notice ([`Maintenance`]).
//! Windows are `[start, end)`; one is *scheduled* when `announced_at` ≤ `start` −
//! `maintenance_notice` (SPEC §7), so a window without `announced_at` is unannounced.

pub(super) mod business_hours;
pub(super) mod notice;

use std::collections::BTreeSet;

use super::{frame, CheckCtx, Family};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{MaintenanceWindow, Millis};

/// Every maintenance window read, by service, start and end (file order among equals).
pub(super) struct Maintenance {
    windows: Vec<Window>,
}

/// A window and where it was read.
#[derive(Debug, Clone)]
struct Window {
    window: MaintenanceWindow,
    path: String,
    line: u64,
}

impl Family for Maintenance {
    fn read(ctx: &CheckCtx<'_>) -> Result<Self, Error> {
        let Some(frame) = ctx.tables.get(InputKind::Maintenance) else {
            return Ok(Maintenance {
                windows: Vec::new(),
            });
        };
        let services = frame::texts(frame, "service")?;
        let starts = frame::times(frame, "start")?;
        let ends = frame::times(frame, "end")?;
        let announced = frame::times(frame, "announced_at")?;
        let references = frame::texts(frame, "reference")?;
        let paths = frame::texts(frame, crate::ingest::schema::PATH_COLUMN)?;
        let lines = frame::lines(frame)?;
        let notice = ctx.policy.maintenance_notice;
        let mut windows = Vec::new();
        for i in 0..frame.height() {
            let (Some(service), Some(start), Some(end)) = (&services[i], starts[i], ends[i]) else {
                continue; // Required values: ingest never lets a null through.
            };
            let announced_at = announced[i];
            windows.push(Window {
                window: MaintenanceWindow {
                    service: service.clone(),
                    start,
                    end,
                    announced_at,
                    reference: references[i].clone().unwrap_or_default(),
                    scheduled: announced_at.is_some_and(|at| at <= start - notice),
                },
                path: paths[i].clone().unwrap_or_default(),
                line: lines[i],
            });
        }
        // Stable: windows equal in all three keep their file order.
        windows.sort_by(|a, b| {
            let key = |w: &Window| (w.window.service.clone(), w.window.start, w.window.end);
            key(a).cmp(&key(b))
        });
        Ok(Maintenance { windows })
    }
}

impl Maintenance {
    /// The windows that overlap `[from, to)`.
    pub fn touching(&self, from: Millis, to: Millis) -> impl Iterator<Item = &MaintenanceWindow> {
        self.windows
            .iter()
            .map(|w| &w.window)
            .filter(move |w| w.start < to && w.end > from)
    }

    /// The services (as written, `*` included) of the windows overlapping the period:
    /// the subjects of the maintenance checks.
    fn subjects(&self, ctx: &CheckCtx<'_>) -> BTreeSet<&str> {
        self.touching(ctx.period.start, ctx.period.end)
            .map(|w| w.service.as_str())
            .collect()
    }

    /// The windows of `service` overlapping the period, with where they were read.
    fn of<'m>(&'m self, service: &'m str, ctx: &CheckCtx<'_>) -> impl Iterator<Item = &'m Window> {
        let (from, to) = (ctx.period.start, ctx.period.end);
        self.windows.iter().filter(move |w| {
            w.window.service == service && w.window.start < to && w.window.end > from
        })
    }
}

/// Rows for the maintenance checks' unit tests.
#[cfg(test)]
mod testing {
    use super::{Maintenance, Window};
    use crate::checks::testing::{Fixture, H};
    use crate::model::{MaintenanceWindow, Millis};

    /// A window of `service` from `start` to `end` hours after the period start,
    /// announced `notice` hours before it starts (`None`: unannounced), judged against
    /// the default 48 h notice.
    pub fn window(service: &str, start: f64, end: f64, notice: Option<f64>) -> Window {
        let at = |hours: f64| Fixture::day().period.start + (hours * H as f64) as Millis;
        let announced_at = notice.map(|n| at(start - n));
        Window {
            window: MaintenanceWindow {
                service: service.to_string(),
                start: at(start),
                end: at(end),
                announced_at,
                reference: String::new(),
                scheduled: notice.is_some_and(|n| n >= 48.0),
            },
            path: "maintenance.csv".to_string(),
            line: 2,
        }
    }

    pub fn family(mut windows: Vec<Window>) -> Maintenance {
        windows.sort_by_key(|w| (w.window.service.clone(), w.window.start));
        Maintenance { windows }
    }
}
