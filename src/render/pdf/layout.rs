//! A small flow layout engine for the report: a cursor that moves down A4 pages,
//! paragraphs with manual word wrap, headings that keep with what follows, and tables
//! whose rows continue on the next page under a repeated header.
//!
//! It knows nothing of assessments: sections hand it strings, colours and column
//! widths. Coordinates are PDF points from the bottom-left corner of the page. Every
//! text run is its own `BT … ET` block that sets font and fill colour again, because
//! printpdf carries neither across operations for us.

use printpdf::{
    Color, Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect,
    TextItem,
};

use super::text::{self, Font};

pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// 18 mm side margins.
pub const MARGIN_X: f32 = 51.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
/// Top of the flow area, below the running header.
pub const CONTENT_TOP: f32 = PAGE_HEIGHT - 64.0;
/// Bottom of the flow area, above the footer.
pub const CONTENT_BOTTOM: f32 = 58.0;

/// The report's muted palette.
pub mod colour {
    use super::Rgb;

    const fn rgb(r: f32, g: f32, b: f32) -> Rgb {
        Rgb { r, g, b }
    }

    pub const INK: Rgb = rgb(0.13, 0.15, 0.18);
    pub const MUTED: Rgb = rgb(0.42, 0.45, 0.50);
    pub const ACCENT: Rgb = rgb(0.12, 0.23, 0.38);
    pub const RULE: Rgb = rgb(0.76, 0.79, 0.83);
    pub const ZEBRA: Rgb = rgb(0.955, 0.963, 0.975);
    pub const WHITE: Rgb = rgb(1.0, 1.0, 1.0);
    pub const GREEN: Rgb = rgb(0.17, 0.49, 0.29);
    pub const RED: Rgb = rgb(0.74, 0.20, 0.17);
    pub const AMBER: Rgb = rgb(0.78, 0.53, 0.07);
    pub const BLUE: Rgb = rgb(0.20, 0.42, 0.64);
    pub const GREY: Rgb = rgb(0.55, 0.57, 0.60);
    pub const LIGHT_GREY: Rgb = rgb(0.80, 0.81, 0.83);
    pub const PURPLE: Rgb = rgb(0.50, 0.16, 0.42);
    pub const BAR: Rgb = rgb(0.35, 0.53, 0.68);
}

/// An RGB colour, each channel 0.0 to 1.0 (printpdf's own type is not `Copy`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb {
    pub r: f32,
    pub g: f32,
    pub b: f32,
}

impl Rgb {
    fn pdf(self) -> Color {
        Color::Rgb(printpdf::Rgb::new(self.r, self.g, self.b, None))
    }
}

/// Font, size and colour of a text run.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub font: Font,
    pub size: f32,
    pub colour: Rgb,
}

impl Style {
    pub const fn new(font: Font, size: f32, colour: Rgb) -> Style {
        Style { font, size, colour }
    }

    pub const BODY: Style = Style::new(Font::Regular, 9.5, colour::INK);
    pub const SMALL: Style = Style::new(Font::Regular, 8.0, colour::MUTED);

    /// Line height for this size.
    pub fn leading(&self) -> f32 {
        self.size * 1.32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table column; `weight` is its share of the table width.
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub weight: f32,
    pub align: Align,
    pub font: Font,
    pub size: f32,
}

impl Column {
    pub fn new(title: &str, weight: f32) -> Column {
        Column {
            title: title.to_string(),
            weight,
            align: Align::Left,
            font: Font::Regular,
            size: TABLE_TEXT_SIZE,
        }
    }

    pub fn right(mut self) -> Column {
        self.align = Align::Right;
        self
    }

    pub fn mono(mut self, size: f32) -> Column {
        self.font = Font::Mono;
        self.size = size;
        self
    }

    pub fn sized(mut self, size: f32) -> Column {
        self.size = size;
        self
    }
}

/// One table cell: text, optionally coloured or bold, optionally led by a coloured
/// square marker (used for statuses).
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub colour: Option<Rgb>,
    pub bold: bool,
    pub marker: Option<Rgb>,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    pub fn bold(mut self) -> Cell {
        self.bold = true;
        self
    }

    pub fn coloured(mut self, colour: Rgb) -> Cell {
        self.colour = Some(colour);
        self
    }

    pub fn marked(mut self, colour: Rgb) -> Cell {
        self.marker = Some(colour);
        self
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::new(text)
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::new(text)
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows drawn bold with a rule above (totals).
    pub footer_rows: usize,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            footer_rows: 0,
        }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }
}

pub const TABLE_TEXT_SIZE: f32 = 8.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.2;
const MARKER_SIZE: f32 = 5.5;
const MARKER_GAP: f32 = 4.0;

/// Pages under construction and the flow cursor.
pub struct Layout {
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The top of the free space on the current page.
    y: f32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout::new()
    }
}

impl Layout {
    pub fn new() -> Layout {
        Layout {
            pages: Vec::new(),
            ops: Vec::new(),
            y: CONTENT_TOP,
        }
    }

    pub fn y(&self) -> f32 {
        self.y
    }

    pub fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    /// Whether nothing has flowed onto the current page yet.
    pub fn at_page_top(&self) -> bool {
        self.y >= CONTENT_TOP
    }

    pub fn page_break(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = CONTENT_TOP;
    }

    /// Starts a new page unless `height` points still fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y - height < CONTENT_BOTTOM && !self.at_page_top() {
            self.page_break();
        }
    }

    /// Moves the cursor down; never past the bottom of the page.
    pub fn space(&mut self, height: f32) {
        self.y = (self.y - height).max(CONTENT_BOTTOM);
    }

    // ----- drawing primitives -------------------------------------------------------

    /// One line of text with its baseline at `(x, baseline)`.
    pub fn text(&mut self, x: f32, baseline: f32, style: Style, content: &str) {
        let content = text::sanitize(content).replace('\n', " ");
        if content.is_empty() {
            return;
        }
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(style.font.builtin()),
                size: Pt(style.size),
            },
            Op::SetFillColor {
                col: style.colour.pdf(),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(content)],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn text_right(&mut self, right: f32, baseline: f32, style: Style, content: &str) {
        let width = text::width(style.font, style.size, &text::sanitize(content));
        self.text(right - width, baseline, style, content);
    }

    pub fn text_centered(&mut self, centre: f32, baseline: f32, style: Style, content: &str) {
        let width = text::width(style.font, style.size, &text::sanitize(content));
        self.text(centre - width / 2.0, baseline, style, content);
    }

    /// A filled rectangle; `(x, y)` is its bottom-left corner.
    pub fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, fill: Rgb) {
        self.ops.extend([
            Op::SetFillColor { col: fill.pdf() },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(y),
                    width: Pt(width),
                    height: Pt(height),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
        ]);
    }

    /// A straight line; `dash` is a dash/gap pattern in points, `None` for solid.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, stroke: Rgb) {
        self.stroke_line(from, to, width, stroke, None);
    }

    pub fn dashed_line(
        &mut self,
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        stroke: Rgb,
        dash: &[f32],
    ) {
        self.stroke_line(from, to, width, stroke, Some(dash));
    }

    fn stroke_line(
        &mut self,
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        stroke: Rgb,
        dash: Option<&[f32]>,
    ) {
        let point = |(x, y): (f32, f32)| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: stroke.pdf() },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::SetLineDashPattern {
                dash: LineDashPattern::new(0.0, dash.unwrap_or(&[])),
            },
            Op::DrawLine {
                line: Line {
                    points: vec![point(from), point(to)],
                    is_closed: false,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    // ----- flow elements --------------------------------------------------------------

    /// A wrapped paragraph across the content width (or `width` from `x`).
    pub fn paragraph(&mut self, content: &str, style: Style) {
        self.paragraph_at(MARGIN_X, CONTENT_WIDTH, content, style);
    }

    pub fn paragraph_at(&mut self, x: f32, width: f32, content: &str, style: Style) {
        let leading = style.leading();
        for line in text::wrap(content, style.font, style.size, width) {
            self.ensure(leading);
            let baseline = self.y - baseline_offset(style.size, leading);
            self.text(x, baseline, style, &line);
            self.y -= leading;
        }
    }

    /// A bulleted list item, wrapped with a hanging indent.
    pub fn bullet(&mut self, content: &str, style: Style) {
        let indent = 12.0;
        let leading = style.leading();
        let lines = text::wrap(content, style.font, style.size, CONTENT_WIDTH - indent);
        // An item is not split across pages.
        self.ensure(lines.len() as f32 * leading);
        for (index, line) in lines.iter().enumerate() {
            self.ensure(leading);
            let baseline = self.y - baseline_offset(style.size, leading);
            if index == 0 {
                self.text(MARGIN_X + 2.0, baseline, style, "\u{2022}");
            }
            self.text(MARGIN_X + indent, baseline, style, line);
            self.y -= leading;
        }
    }

    /// A numbered section heading with a rule under it.
    pub fn heading(&mut self, number: usize, title: &str) {
        let style = Style::new(Font::Bold, 15.0, colour::ACCENT);
        // Keep the heading with at least a few lines of what follows.
        self.ensure(34.0 + 80.0);
        if !self.at_page_top() {
            self.space(10.0);
        }
        let mut baseline = self.y - 15.0;
        let label = format!("{number}");
        self.text(MARGIN_X, baseline, style, &label);
        // Titles that are questions (the due-diligence report) can take two lines.
        let lines = text::wrap(title, style.font, style.size, CONTENT_WIDTH - 22.0);
        for (index, line) in lines.iter().enumerate() {
            if index > 0 {
                baseline -= style.leading();
            }
            self.text(MARGIN_X + 22.0, baseline, style, line);
        }
        self.line(
            (MARGIN_X, baseline - 7.0),
            (MARGIN_X + CONTENT_WIDTH, baseline - 7.0),
            0.8,
            colour::ACCENT,
        );
        self.y = baseline - 18.0;
    }

    /// A sub-heading; `keep` is the height of what must follow on the same page.
    pub fn subheading(&mut self, title: &str, keep: f32) {
        let style = Style::new(Font::Bold, 11.0, colour::ACCENT);
        self.ensure(24.0 + keep);
        if !self.at_page_top() {
            self.space(8.0);
        }
        let baseline = self.y - 11.0;
        self.text(MARGIN_X, baseline, style, title);
        self.y = baseline - 8.0;
    }

    /// Label / value pairs in two columns, zebra-striped (the cover's details).
    pub fn key_values(&mut self, pairs: &[(String, String)], label_width: f32) {
        let label_style = Style::new(Font::Bold, 9.0, colour::MUTED);
        let value_style = Style::new(Font::Regular, 9.5, colour::INK);
        let value_width = CONTENT_WIDTH - label_width - 2.0 * CELL_PAD_X;
        for (index, (label, value)) in pairs.iter().enumerate() {
            let lines = text::wrap(value, value_style.font, value_style.size, value_width);
            let leading = value_style.leading();
            let height = lines.len() as f32 * leading + 2.0 * 4.0;
            self.ensure(height);
            if index % 2 == 0 {
                self.fill_rect(
                    MARGIN_X,
                    self.y - height,
                    CONTENT_WIDTH,
                    height,
                    colour::ZEBRA,
                );
            }
            let first = self.y - 4.0 - baseline_offset(value_style.size, leading);
            self.text(MARGIN_X + CELL_PAD_X, first, label_style, label);
            for (n, line) in lines.iter().enumerate() {
                let baseline = first - n as f32 * leading;
                self.text(
                    MARGIN_X + label_width + CELL_PAD_X,
                    baseline,
                    value_style,
                    line,
                );
            }
            self.y -= height;
        }
    }

    // ----- tables ---------------------------------------------------------------------

    /// The height `table` would take if drawn without a page break.
    pub fn table_height(table: &Table, width: f32) -> f32 {
        let widths = column_widths(table, width);
        let header = header_height(table, &widths);
        header
            + table
                .rows
                .iter()
                .enumerate()
                .map(|(index, row)| row_layout(table, &widths, row, is_footer(table, index)).0)
                .sum::<f32>()
    }

    /// Draws `table` across the content width.
    pub fn table(&mut self, table: &Table) {
        self.table_at(MARGIN_X, CONTENT_WIDTH, table);
    }

    /// Draws `table` from `x`, `width` wide. A row that does not fit moves to the next
    /// page, which starts with the header again.
    pub fn table_at(&mut self, x: f32, width: f32, table: &Table) {
        let widths = column_widths(table, width);
        let header = header_height(table, &widths);
        let first_row = table
            .rows
            .first()
            .map(|row| row_layout(table, &widths, row, is_footer(table, 0)).0)
            .unwrap_or(0.0);
        self.ensure(header + first_row);
        self.table_header(x, width, table, &widths, header);
        for (index, row) in table.rows.iter().enumerate() {
            let is_footer = is_footer(table, index);
            let (height, lines) = row_layout(table, &widths, row, is_footer);
            if self.y - height < CONTENT_BOTTOM {
                self.page_break();
                self.table_header(x, width, table, &widths, header);
            }
            if is_footer {
                self.line((x, self.y), (x + width, self.y), 0.6, colour::MUTED);
            } else if index % 2 == 1 {
                self.fill_rect(x, self.y - height, width, height, colour::ZEBRA);
            }
            let mut column_x = x;
            for ((column, column_width), (cell, cell_lines)) in table
                .columns
                .iter()
                .zip(&widths)
                .zip(row.iter().zip(&lines))
            {
                self.draw_cell(column_x, *column_width, column, cell, cell_lines, is_footer);
                column_x += column_width;
            }
            self.y -= height;
        }
        self.line((x, self.y), (x + width, self.y), 0.6, colour::RULE);
        self.y -= 2.0;
    }

    fn table_header(&mut self, x: f32, width: f32, table: &Table, widths: &[f32], height: f32) {
        self.fill_rect(x, self.y - height, width, height, colour::ACCENT);
        let mut column_x = x;
        for (column, column_width) in table.columns.iter().zip(widths) {
            let style = Style::new(Font::Bold, header_size(column), colour::WHITE);
            let lines = text::wrap(
                &column.title,
                style.font,
                style.size,
                column_width - 2.0 * CELL_PAD_X,
            );
            for (n, line) in lines.iter().enumerate() {
                let baseline = self.y
                    - CELL_PAD_Y
                    - baseline_offset(style.size, style.leading())
                    - n as f32 * style.leading();
                match column.align {
                    Align::Left => self.text(column_x + CELL_PAD_X, baseline, style, line),
                    Align::Right => {
                        self.text_right(column_x + column_width - CELL_PAD_X, baseline, style, line)
                    }
                }
            }
            column_x += column_width;
        }
        self.y -= height;
    }

    fn draw_cell(
        &mut self,
        x: f32,
        width: f32,
        column: &Column,
        cell: &Cell,
        lines: &[String],
        force_bold: bool,
    ) {
        let font = cell_font(column, cell, force_bold);
        let style = Style::new(font, column.size, cell.colour.unwrap_or(colour::INK));
        let leading = style.leading();
        let mut text_x = x + CELL_PAD_X;
        let first = self.y - CELL_PAD_Y - baseline_offset(style.size, leading);
        if let Some(marker) = cell.marker {
            let marker_y = first + style.size * 0.36 - MARKER_SIZE / 2.0;
            self.fill_rect(text_x, marker_y, MARKER_SIZE, MARKER_SIZE, marker);
            text_x += MARKER_SIZE + MARKER_GAP;
        }
        for (n, line) in lines.iter().enumerate() {
            let baseline = first - n as f32 * leading;
            match column.align {
                Align::Left => self.text(text_x, baseline, style, line),
                Align::Right => self.text_right(x + width - CELL_PAD_X, baseline, style, line),
            }
        }
    }

    /// The finished pages, each with the running header and the footer
    /// (`footer_left`, then "page N of M" on the right).
    pub fn finish(
        mut self,
        header_left: &str,
        header_right: &str,
        footer_left: &str,
    ) -> Vec<Vec<Op>> {
        if !self.ops.is_empty() || self.pages.is_empty() {
            self.pages.push(std::mem::take(&mut self.ops));
        }
        let total = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        pages
            .into_iter()
            .enumerate()
            .map(|(index, body)| {
                let mut page = Layout {
                    pages: Vec::new(),
                    ops: body,
                    y: CONTENT_TOP,
                };
                let small = Style::new(Font::Regular, 7.5, colour::MUTED);
                let header_base = PAGE_HEIGHT - 36.0;
                page.text(MARGIN_X, header_base, small, header_left);
                page.text_right(MARGIN_X + CONTENT_WIDTH, header_base, small, header_right);
                page.line(
                    (MARGIN_X, header_base - 6.0),
                    (MARGIN_X + CONTENT_WIDTH, header_base - 6.0),
                    0.6,
                    colour::RULE,
                );
                let footer_rule = 40.0;
                page.line(
                    (MARGIN_X, footer_rule),
                    (MARGIN_X + CONTENT_WIDTH, footer_rule),
                    0.6,
                    colour::RULE,
                );
                page.text(MARGIN_X, footer_rule - 12.0, small, footer_left);
                page.text_right(
                    MARGIN_X + CONTENT_WIDTH,
                    footer_rule - 12.0,
                    small,
                    &format!("Page {} of {}", index + 1, total),
                );
                page.ops
            })
            .collect()
    }
}

/// Distance from the top of a line box to the baseline that centres Helvetica's
/// ascender-to-descender span (0.718 em above, 0.207 em below) in the box.
pub fn baseline_offset(size: f32, leading: f32) -> f32 {
    (leading - 0.925 * size) / 2.0 + 0.718 * size
}

fn column_widths(table: &Table, width: f32) -> Vec<f32> {
    let total: f32 = table.columns.iter().map(|c| c.weight).sum();
    table
        .columns
        .iter()
        .map(|c| {
            if total > 0.0 {
                width * c.weight / total
            } else {
                0.0
            }
        })
        .collect()
}

/// Header titles follow their column's size, but never shrink to a code font's size.
fn header_size(column: &Column) -> f32 {
    if column.font == Font::Mono {
        TABLE_TEXT_SIZE
    } else {
        column.size
    }
}

fn header_height(table: &Table, widths: &[f32]) -> f32 {
    table
        .columns
        .iter()
        .zip(widths)
        .map(|(column, width)| {
            let style = Style::new(Font::Bold, header_size(column), colour::WHITE);
            let lines = text::wrap(
                &column.title,
                style.font,
                style.size,
                width - 2.0 * CELL_PAD_X,
            );
            lines.len() as f32 * style.leading()
        })
        .fold(0.0, f32::max)
        + 2.0 * CELL_PAD_Y
}

/// A row's height and each cell's wrapped lines.
fn row_layout(
    table: &Table,
    widths: &[f32],
    row: &[Cell],
    force_bold: bool,
) -> (f32, Vec<Vec<String>>) {
    let mut height: f32 = 0.0;
    let mut lines = Vec::with_capacity(row.len());
    for ((column, width), cell) in table.columns.iter().zip(widths).zip(row) {
        let font = cell_font(column, cell, force_bold);
        let mut available = width - 2.0 * CELL_PAD_X;
        if cell.marker.is_some() {
            available -= MARKER_SIZE + MARKER_GAP;
        }
        let cell_lines = text::wrap(&cell.text, font, column.size, available.max(1.0));
        let leading = column.size * 1.32;
        height = height.max(cell_lines.len() as f32 * leading);
        lines.push(cell_lines);
    }
    (height + 2.0 * CELL_PAD_Y, lines)
}

/// Bold cells (and total rows) switch Helvetica to Helvetica-Bold; Courier stays.
fn cell_font(column: &Column, cell: &Cell, force_bold: bool) -> Font {
    if (cell.bold || force_bold) && column.font == Font::Regular {
        Font::Bold
    } else {
        column.font
    }
}

fn is_footer(table: &Table, index: usize) -> bool {
    index + table.footer_rows.min(table.rows.len()) >= table.rows.len()
}
