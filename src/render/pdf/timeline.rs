//! The backup timeline: lanes of ticks across the period (one tick per successful run,
//! red ticks for failed ones), each lane's longest gap as a shaded band labelled with
//! its length, and the local days of the period on the x axis.
//!
//! It draws the instants and labels it is given; the only arithmetic is the mapping
//! of instants onto the axis (and clipping a gap that opens before the period to the
//! plot). Labels, such as a gap's length, come from the caller already formatted.

use super::layout::{colour, Layout, Rgb, Style, CONTENT_WIDTH, MARGIN_X};
use super::text::{self, Font};
use crate::model::Millis;

/// Left of the plot, for the lane names; the same as the availability chart's, so the
/// day axes of both charts line up.
const PLOT_LEFT: f32 = 40.0;
const PLOT_RIGHT: f32 = 6.0;
const PLOT_TOP: f32 = 2.0;
/// A lane: a strip for the gap label above the tick area.
const LABEL_STRIP: f32 = 9.0;
const TICK_AREA: f32 = 15.0;
const LANE_GAP: f32 = 3.0;
const X_LABELS: f32 = 13.0;
/// Space under the day labels.
const BOTTOM: f32 = 4.0;
/// Height of the legend line.
pub const LEGEND_HEIGHT: f32 = 12.0;

/// Light fills for the gap bands (the PDF has no transparency here: bands are drawn
/// under the ticks).
const BAND_FAILING: Rgb = Rgb {
    r: 0.97,
    g: 0.82,
    b: 0.80,
};
const BAND_PASSING: Rgb = Rgb {
    r: 0.84,
    g: 0.89,
    b: 0.94,
};

/// A highlighted stretch of a lane.
#[derive(Debug, Clone)]
pub struct Band {
    pub from: Millis,
    pub to: Millis,
    /// Drawn above the band, e.g. "longest gap 8.00 h".
    pub label: String,
    /// Shaded red (over its target) rather than blue.
    pub failing: bool,
}

/// One row of the timeline.
#[derive(Debug, Clone)]
pub struct Lane<'a> {
    pub name: &'a str,
    /// A thin tick per instant.
    pub ticks: &'a [Millis],
    /// A red tick per instant.
    pub failed: &'a [Millis],
    pub band: Option<Band>,
    /// Shown in the lane when it has nothing to draw (e.g. "not evaluated").
    pub note: Option<String>,
}

/// The x axis: the period and its local days `(label, start, end)`.
pub struct Axis<'a> {
    pub start: Millis,
    pub end: Millis,
    pub days: &'a [(String, Millis, Millis)],
}

/// The height of a timeline with `lanes` lanes.
pub fn height(lanes: usize) -> f32 {
    PLOT_TOP + lanes as f32 * (LABEL_STRIP + TICK_AREA + LANE_GAP) + X_LABELS + BOTTOM
}

/// Draws the timeline with the cursor at its top; moves the cursor below it.
pub fn timeline(layout: &mut Layout, axis: &Axis, lanes: &[Lane]) {
    let total = height(lanes.len());
    layout.ensure(total);
    let top = layout.y();
    let plot_x = MARGIN_X + PLOT_LEFT;
    let plot_width = CONTENT_WIDTH - PLOT_LEFT - PLOT_RIGHT;
    let span = (axis.end - axis.start).max(1) as f64;
    let to_x = |at: Millis| {
        let fraction = ((at - axis.start) as f64 / span).clamp(0.0, 1.0);
        plot_x + fraction as f32 * plot_width
    };
    let lane_height = LABEL_STRIP + TICK_AREA;
    let plot_top = top - PLOT_TOP;
    let plot_bottom = plot_top - lanes.len() as f32 * (lane_height + LANE_GAP) + LANE_GAP;
    let label = Style::new(Font::Regular, 6.5, colour::MUTED);
    let lane_name = Style::new(Font::Regular, 7.0, colour::INK);

    for (index, lane) in lanes.iter().enumerate() {
        let lane_top = plot_top - index as f32 * (lane_height + LANE_GAP);
        let lane_bottom = lane_top - lane_height;
        let tick_top = lane_bottom + TICK_AREA - 1.5;
        let tick_bottom = lane_bottom + 1.5;
        layout.fill_rect(plot_x, lane_bottom, plot_width, lane_height, colour::ZEBRA);
        layout.text_right(
            plot_x - 4.0,
            lane_bottom + TICK_AREA / 2.0 - 2.4,
            lane_name,
            lane.name,
        );

        if let Some(band) = &lane.band {
            let from = to_x(band.from);
            let to = to_x(band.to);
            // A band of a few minutes still shows.
            let width = (to - from).max(1.5);
            let fill = if band.failing {
                BAND_FAILING
            } else {
                BAND_PASSING
            };
            layout.fill_rect(from, lane_bottom, width, lane_height, fill);
            let style = Style::new(
                Font::Bold,
                6.5,
                if band.failing {
                    colour::RED
                } else {
                    colour::ACCENT
                },
            );
            let text_width = text::width(style.font, style.size, &band.label);
            let centre = (from + width / 2.0).clamp(
                plot_x + text_width / 2.0 + 2.0,
                plot_x + plot_width - text_width / 2.0 - 2.0,
            );
            layout.text_centered(centre, lane_top - 6.8, style, &band.label);
        }

        // Local day boundaries, under the ticks.
        for (_, day_start, _) in axis.days.iter().skip(1) {
            let x = to_x(*day_start);
            layout.line(
                (x, tick_bottom),
                (x, lane_bottom + TICK_AREA),
                0.3,
                colour::WHITE,
            );
        }

        // Thin ticks: with hundreds of runs they still read as a regular comb.
        let pitch = plot_width / lane.ticks.len().max(1) as f32;
        let tick_width = (pitch * 0.45).clamp(0.25, 0.7);
        for at in lane.ticks {
            let x = to_x(*at);
            layout.line((x, tick_bottom), (x, tick_top), tick_width, colour::BAR);
        }
        for at in lane.failed {
            let x = to_x(*at);
            layout.line((x, lane_bottom), (x, tick_top + 1.5), 1.1, colour::RED);
            layout.fill_rect(x - 1.6, tick_top - 0.2, 3.2, 3.2, colour::RED);
        }

        if let Some(note) = &lane.note {
            layout.text_centered(
                plot_x + plot_width / 2.0,
                lane_bottom + TICK_AREA / 2.0 - 2.4,
                Style::new(Font::Regular, 7.0, colour::MUTED),
                note,
            );
        }
    }

    // The day axis: labels centred on their local day, thinned on long periods.
    layout.line(
        (plot_x, plot_bottom),
        (plot_x + plot_width, plot_bottom),
        0.6,
        colour::MUTED,
    );
    let label_every = axis.days.len().div_ceil(16).max(1);
    for (index, (day, day_start, day_end)) in axis.days.iter().enumerate() {
        let x = to_x(*day_start);
        layout.line((x, plot_bottom), (x, plot_bottom - 2.0), 0.4, colour::MUTED);
        if index % label_every == 0 {
            let centre = (x + to_x(*day_end)) / 2.0;
            layout.text_centered(centre, plot_bottom - 9.0, label, day);
        }
    }

    layout.set_y(top - total);
}

/// The legend the timelines share, drawn once above them.
pub fn legend(layout: &mut Layout) {
    layout.ensure(LEGEND_HEIGHT);
    let top = layout.y();
    let plot_x = MARGIN_X + PLOT_LEFT;
    let plot_width = CONTENT_WIDTH - PLOT_LEFT - PLOT_RIGHT;
    let legend_y = top - LEGEND_HEIGHT + 3.0;
    let legend = Style::new(Font::Regular, 7.0, colour::INK);
    let mut x = plot_x;
    let entry = |layout: &mut Layout, x: &mut f32, text: &str| {
        layout.text(*x, legend_y + 0.8, legend, text);
        *x += text::width(Font::Regular, 7.0, text) + 14.0;
    };
    layout.line(
        (x + 2.0, legend_y),
        (x + 2.0, legend_y + 7.0),
        0.7,
        colour::BAR,
    );
    x += 7.0;
    entry(layout, &mut x, "successful run");
    layout.line(
        (x + 2.0, legend_y),
        (x + 2.0, legend_y + 7.0),
        1.1,
        colour::RED,
    );
    layout.fill_rect(x + 0.4, legend_y + 5.0, 3.2, 3.2, colour::RED);
    x += 7.0;
    entry(layout, &mut x, "failed or partial run");
    layout.fill_rect(x, legend_y, 10.0, 7.0, BAND_FAILING);
    x += 13.0;
    entry(layout, &mut x, "longest gap over target");
    layout.fill_rect(x, legend_y, 10.0, 7.0, BAND_PASSING);
    x += 13.0;
    entry(layout, &mut x, "longest gap within target");
    layout.text_right(
        plot_x + plot_width,
        legend_y + 0.8,
        Style::new(Font::Regular, 7.0, colour::MUTED),
        "x: local day of month",
    );
    layout.set_y(top - LEGEND_HEIGHT);
}
