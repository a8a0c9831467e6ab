//! The maintenance calendar: a row per local day of the period, 24 hours across, the
//! business hours shaded, each maintenance window a bar (scheduled blue, late or
//! unannounced red, `*` windows on every service's row alike) labelled with its service.
//!
//! It draws the instants it is given — the model's business-hours intervals and
//! windows, and the period's local days — and the only arithmetic is placing an instant
//! on its day's row (a daylight-saving day is 23 or 25 hours wide on the same width).

use super::layout::{colour, Layout, Rgb, Style, CONTENT_WIDTH, MARGIN_X};
use super::text::Font;
use crate::model::{MaintenanceWindow, Millis};

const LABELS: f32 = 40.0;
const ROW: f32 = 9.0;
const HEADER: f32 = 12.0;
const LEGEND: f32 = 16.0;
const BUSINESS: Rgb = Rgb {
    r: 0.82,
    g: 0.88,
    b: 0.95,
};

/// The height of a calendar of `days` rows.
pub fn height(days: usize) -> f32 {
    HEADER + days as f32 * ROW + LEGEND
}

/// Draws the calendar with the cursor at its top; moves the cursor below it. `days`
/// are `(label, start, end)` of each local day.
pub fn calendar(
    layout: &mut Layout,
    days: &[(String, Millis, Millis)],
    business: &[(Millis, Millis)],
    windows: &[MaintenanceWindow],
) {
    layout.ensure(height(days.len()));
    let top = layout.y();
    let plot_x = MARGIN_X + LABELS;
    let width = CONTENT_WIDTH - LABELS;
    let label = Style::new(Font::Regular, 6.5, colour::MUTED);
    for hour in (0..=24).step_by(3) {
        let x = plot_x + width * hour as f32 / 24.0;
        layout.text_centered(x, top - 8.0, label, &format!("{hour:02}:00"));
    }
    for (index, (day, start, end)) in days.iter().enumerate() {
        let row_top = top - HEADER - index as f32 * ROW;
        let y = row_top - ROW + 1.0;
        let span = (end - start).max(1) as f32;
        let place = |t: Millis| plot_x + width * ((t.clamp(*start, *end) - start) as f32 / span);
        if index % 2 == 0 {
            layout.fill_rect(plot_x, y, width, ROW - 1.0, colour::ZEBRA);
        }
        for &(open, close) in business.iter().filter(|(a, b)| a < end && b > start) {
            layout.fill_rect(
                place(open),
                y,
                place(close) - place(open),
                ROW - 1.0,
                BUSINESS,
            );
        }
        for window in windows.iter().filter(|w| w.start < *end && w.end > *start) {
            let fill = if window.scheduled {
                colour::BAR
            } else {
                colour::RED
            };
            let (from, to) = (place(window.start), place(window.end));
            layout.fill_rect(from, y + 1.5, (to - from).max(1.0), ROW - 4.0, fill);
            layout.text(
                to + 2.0,
                y + 2.2,
                Style::new(Font::Regular, 5.5, colour::INK),
                &window.service,
            );
        }
        layout.text(MARGIN_X, y + 2.0, label, day);
    }
    let legend_y = top - height(days.len()) + 4.0;
    let style = Style::new(Font::Regular, 7.0, colour::INK);
    let mut x = plot_x;
    for (swatch, text) in [
        (BUSINESS, "business hours"),
        (colour::BAR, "scheduled window"),
        (colour::RED, "late or unannounced window"),
    ] {
        layout.fill_rect(x, legend_y, 6.0, 6.0, swatch);
        layout.text(x + 9.0, legend_y + 0.8, style, text);
        x += 9.0 + super::text::width(Font::Regular, 7.0, text) + 14.0;
    }
    layout.set_y(top - height(days.len()));
}
