//! The daily availability bar chart: one bar per local day, the y axis zoomed onto the
//! interesting band below 100 %, a dashed line at the target, bars under the target in
//! red and unmeasured days as grey markers.
//!
//! It draws the figures of [`DailyAvailability`] as they are, and which days are below
//! the target as the model says ([`crate::model::ServiceFigures`]); the only arithmetic
//! is the mapping of values onto the axis.

use super::layout::{colour, Layout, Rgb, Style, CONTENT_WIDTH, MARGIN_X};
use super::text::Font;
use crate::model::DailyAvailability;

/// Total height of the chart with its legend.
pub const CHART_HEIGHT: f32 = 142.0;

const PLOT_LEFT: f32 = 40.0;
const PLOT_RIGHT: f32 = 6.0;
const PLOT_TOP: f32 = 6.0;
const X_LABELS: f32 = 14.0;
const LEGEND: f32 = 18.0;

/// The y axis: its lower bound and gridline step. The top is always 100 %.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub low: f64,
    pub step: f64,
}

impl Axis {
    /// Starts at or below 99 %, the lowest measured day and the target, rounded down to
    /// a step that gives four to ten gridlines.
    pub fn for_values(days: &[DailyAvailability], target: f64) -> Axis {
        let lowest = days
            .iter()
            .filter_map(|d| d.availability)
            .fold(99.0_f64, f64::min)
            .min(target)
            .max(0.0);
        let span = 100.0 - lowest;
        let step = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0]
            .into_iter()
            .find(|step| span / step <= 8.0)
            .unwrap_or(25.0);
        let low = ((lowest / step).floor() * step).max(0.0);
        Axis { low, step }
    }

    fn decimals(&self) -> usize {
        if self.step < 0.5 {
            2
        } else if self.step < 1.0 {
            1
        } else {
            0
        }
    }
}

/// Draws the chart for `days` with the cursor at its top; moves the cursor below it.
/// `below_target` has a flag per day; `target` places the dashed line.
pub fn daily_availability(
    layout: &mut Layout,
    days: &[DailyAvailability],
    below_target: &[bool],
    target: f64,
) {
    layout.ensure(CHART_HEIGHT);
    let top = layout.y();
    let axis = Axis::for_values(days, target);
    let frame = Frame::new(top, CHART_HEIGHT);
    let (plot_x, plot_width, plot_bottom) = (frame.x, frame.width, frame.bottom);
    let to_y = |value: f64| {
        let fraction = ((value - axis.low) / (100.0 - axis.low)).clamp(0.0, 1.0);
        frame.at(fraction)
    };
    let label = frame.grid(layout, (axis.low, 100.0, axis.step), &to_y, |value| {
        format!("{:.*}%", axis.decimals(), value)
    });

    let columns = frame.columns(days.len());
    let bar_width = columns.bar_width;
    for (index, day) in days.iter().enumerate() {
        let centre = columns.centre(index);
        match day.availability {
            Some(value) => {
                let fill = if below_target.get(index).copied().unwrap_or(false) {
                    colour::RED
                } else {
                    colour::BAR
                };
                frame.bar(layout, centre, bar_width, to_y(value), fill);
            }
            None => {
                let size = bar_width.min(5.0);
                layout.fill_rect(
                    centre - size / 2.0,
                    plot_bottom + 2.0,
                    size,
                    size,
                    colour::GREY,
                );
            }
        }
        columns.day_label(layout, index, label, day_of_month(&day.date));
    }

    let target_y = to_y(target);
    target_and_axis(layout, (plot_x, plot_width), target_y, plot_bottom);

    legend(
        layout,
        (plot_x, plot_width),
        top - CHART_HEIGHT + 5.0,
        &[
            (colour::BAR, 6.0, "at or above target"),
            (colour::RED, 6.0, "below target"),
            (colour::GREY, 6.0, "no measurement"),
        ],
        &format!("target {target}%"),
    );
    layout.set_y(top - CHART_HEIGHT);
}

/// Total height of a daily bars chart with its legend.
pub const BARS_CHART_HEIGHT: f32 = 128.0;

/// One local day of a [`daily_bars`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DayBar<'a> {
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    pub bar: Option<f64>,
    /// Drawn as a short line over the bar (the latency chart's p95).
    pub marker: Option<f64>,
    /// Over the target, as the model says: the marker (or, without one, the bar) red.
    pub over: bool,
}

/// What a [`daily_bars`] chart's legend says.
pub struct BarLegend {
    pub bar: &'static str,
    pub marker: Option<&'static str>,
    pub over: &'static str,
    /// The dashed line's label, e.g. "target p95 800 ms".
    pub target: String,
    /// The y axis unit, e.g. "ms" or "%".
    pub unit: &'static str,
}

/// A bar per local day (and a marker line above it where given), red where over the
/// target, a dashed line at the target; the y axis runs from 0 to the largest value or
/// the target, with some room. The latency chart (p50 bars, p95 markers) and the
/// capacity chart (each day's peak load on the survivors) are this chart.
pub fn daily_bars(layout: &mut Layout, days: &[DayBar<'_>], target: f64, legend: &BarLegend) {
    layout.ensure(BARS_CHART_HEIGHT);
    let top = layout.y();
    let highest = days
        .iter()
        .flat_map(|d| [d.bar, d.marker])
        .flatten()
        .fold(target, f64::max)
        * 1.1;
    let step = [
        1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0, 5000.0,
    ]
    .into_iter()
    .find(|step| highest / step <= 6.0)
    .unwrap_or(10_000.0);
    let high = (highest / step).ceil() * step;
    let frame = Frame::new(top, BARS_CHART_HEIGHT);
    let (plot_x, plot_width, plot_bottom) = (frame.x, frame.width, frame.bottom);
    let to_y = |value: f64| frame.at((value / high).clamp(0.0, 1.0));
    let label = frame.grid(layout, (0.0, high, step), &to_y, |value| {
        format!("{value:.0} {}", legend.unit)
    });
    let columns = frame.columns(days.len());
    let bar_width = columns.bar_width;
    for (index, day) in days.iter().enumerate() {
        let centre = columns.centre(index);
        if let Some(bar) = day.bar {
            let fill = if day.over && day.marker.is_none() {
                colour::RED
            } else {
                colour::BAR
            };
            frame.bar(layout, centre, bar_width, to_y(bar), fill);
        }
        if let Some(marker) = day.marker {
            let fill = if day.over { colour::RED } else { colour::INK };
            layout.fill_rect(
                centre - bar_width / 2.0,
                to_y(marker) - 1.0,
                bar_width,
                2.0,
                fill,
            );
        }
        columns.day_label(layout, index, label, day_of_month(day.date));
    }
    let target_y = to_y(target);
    target_and_axis(layout, (plot_x, plot_width), target_y, plot_bottom);
    let mut swatches = vec![(colour::BAR, 6.0, legend.bar)];
    if let Some(marker) = legend.marker {
        swatches.push((colour::INK, 2.0, marker));
    }
    swatches.push((
        colour::RED,
        if legend.marker.is_some() { 2.0 } else { 6.0 },
        legend.over,
    ));
    self::legend(
        layout,
        (plot_x, plot_width),
        top - BARS_CHART_HEIGHT + 5.0,
        &swatches,
        &legend.target,
    );
    layout.set_y(top - BARS_CHART_HEIGHT);
}

/// The day of the month of a `YYYY-MM-DD` date, without a leading zero.
/// The plot area of a chart `height` high whose top is at `top`.
struct Frame {
    x: f32,
    width: f32,
    bottom: f32,
    height: f32,
}

impl Frame {
    fn new(top: f32, height: f32) -> Frame {
        let bottom = top - height + LEGEND + X_LABELS;
        Frame {
            x: MARGIN_X + PLOT_LEFT,
            width: CONTENT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
            bottom,
            height: top - PLOT_TOP - bottom,
        }
    }

    /// The height at `fraction` (0 to 1) of the plot.
    fn at(&self, fraction: f64) -> f32 {
        self.bottom + fraction as f32 * self.height
    }

    /// The shaded plot with a grid line and a y label every `step` from `low` to
    /// `high`; returns the style of the labels, for the x axis.
    fn grid(
        &self,
        layout: &mut Layout,
        (low, high, step): (f64, f64, f64),
        to_y: &dyn Fn(f64) -> f32,
        text: impl Fn(f64) -> String,
    ) -> Style {
        layout.fill_rect(self.x, self.bottom, self.width, self.height, colour::ZEBRA);
        let label = Style::new(Font::Regular, 6.5, colour::MUTED);
        let mut value = low;
        while value <= high + 1e-9 {
            let y = to_y(value);
            layout.line(
                (self.x, y),
                (self.x + self.width, y),
                0.4,
                colour::LIGHT_GREY,
            );
            layout.text_right(self.x - 4.0, y - 2.2, label, &text(value));
            value += step;
        }
        label
    }

    /// The columns of `days` days across the plot.
    fn columns(&self, days: usize) -> Columns {
        let slot = self.width / days.max(1) as f32;
        Columns {
            x: self.x,
            bottom: self.bottom,
            slot,
            bar_width: (slot * 0.68).min(14.0),
            label_every: days.div_ceil(16).max(1),
        }
    }

    /// A bar from the plot's bottom up to `y` (at least a sliver).
    fn bar(&self, layout: &mut Layout, centre: f32, width: f32, y: f32, fill: Rgb) {
        let height = (y - self.bottom).max(0.8);
        layout.fill_rect(centre - width / 2.0, self.bottom, width, height, fill);
    }
}

/// One column per day: where its bar goes and which days are labelled.
struct Columns {
    x: f32,
    bottom: f32,
    slot: f32,
    bar_width: f32,
    label_every: usize,
}

impl Columns {
    fn centre(&self, index: usize) -> f32 {
        self.x + self.slot * (index as f32 + 0.5)
    }

    /// The day of the month under every `label_every`-th column.
    fn day_label(&self, layout: &mut Layout, index: usize, label: Style, day: &str) {
        if index % self.label_every == 0 {
            layout.text_centered(self.centre(index), self.bottom - 9.0, label, day);
        }
    }
}

fn day_of_month(date: &str) -> &str {
    date.rsplit('-')
        .next()
        .map(|d| d.trim_start_matches('0'))
        .unwrap_or("")
}

/// The dashed target line across the plot and the x axis under it.
fn target_and_axis(
    layout: &mut Layout,
    (plot_x, plot_width): (f32, f32),
    target_y: f32,
    plot_bottom: f32,
) {
    layout.dashed_line(
        (plot_x, target_y),
        (plot_x + plot_width, target_y),
        0.9,
        colour::INK,
        &[3.0, 2.0],
    );
    layout.line(
        (plot_x, plot_bottom),
        (plot_x + plot_width, plot_bottom),
        0.6,
        colour::MUTED,
    );
}

/// A chart's legend line: a swatch `(colour, height, text)` each, the dashed target
/// line with its label, and the x axis' meaning on the right.
fn legend(
    layout: &mut Layout,
    (plot_x, plot_width): (f32, f32),
    legend_y: f32,
    swatches: &[(Rgb, f32, &str)],
    target: &str,
) {
    let style = Style::new(Font::Regular, 7.0, colour::INK);
    let mut x = plot_x;
    for &(swatch, height, text) in swatches {
        layout.fill_rect(x, legend_y + (6.0 - height) / 2.0, 6.0, height, swatch);
        layout.text(x + 9.0, legend_y + 0.8, style, text);
        x += 9.0 + super::text::width(Font::Regular, 7.0, text) + 14.0;
    }
    layout.dashed_line(
        (x, legend_y + 3.0),
        (x + 16.0, legend_y + 3.0),
        0.9,
        colour::INK,
        &[3.0, 2.0],
    );
    layout.text(x + 20.0, legend_y + 0.8, style, target);
    layout.text_right(
        plot_x + plot_width,
        legend_y + 0.8,
        Style::new(Font::Regular, 7.0, colour::MUTED),
        "x: local day of month",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(availability: Option<f64>) -> DailyAvailability {
        DailyAvailability {
            date: "2026-10-01".to_string(),
            start: 0,
            end: 0,
            down_ms: 0,
            no_data_ms: 0,
            scheduled_ms: 0,
            availability,
        }
    }

    #[test]
    fn axis_zooms_onto_the_band_below_100() {
        let axis = Axis::for_values(&[day(Some(100.0)), day(None)], 99.9);
        assert_eq!(
            axis,
            Axis {
                low: 99.0,
                step: 0.25
            }
        );
        let axis = Axis::for_values(&[day(Some(97.3))], 99.9);
        assert_eq!(
            axis,
            Axis {
                low: 97.0,
                step: 0.5
            }
        );
        let axis = Axis::for_values(&[day(Some(12.0))], 99.9);
        assert_eq!(
            axis,
            Axis {
                low: 0.0,
                step: 20.0
            }
        );
    }
}
