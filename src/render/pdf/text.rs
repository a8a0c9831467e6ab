//! Text for the built-in PDF fonts: WinAnsi sanitising, glyph widths and word wrap.
//!
//! The report uses the standard Helvetica, Helvetica-Bold and Courier faces, which are
//! not embedded and cover WinAnsi only. Everything drawn goes through [`sanitize`]
//! first, so no glyph is ever missing; widths come from the Adobe AFM metrics so that
//! wrapping and right alignment match what a viewer draws. This module never lays out
//! a page: it only measures and breaks strings.

/// The three faces the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
    Mono,
}

impl Font {
    pub fn builtin(self) -> printpdf::BuiltinFont {
        match self {
            Font::Regular => printpdf::BuiltinFont::Helvetica,
            Font::Bold => printpdf::BuiltinFont::HelveticaBold,
            Font::Mono => printpdf::BuiltinFont::Courier,
        }
    }
}

/// Helvetica advance widths (1/1000 em) for U+0020..=U+007E, from the Adobe AFM.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Helvetica-Bold advance widths (1/1000 em) for U+0020..=U+007E, from the Adobe AFM.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0..?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P.._
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `..o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p..~
];

/// Width of one character in 1/1000 em. Characters outside ASCII are approximated
/// (accented letters by their class, punctuation by its shape); they are rare in the
/// report and a few points of error only shift a wrap point.
fn char_width(font: Font, c: char) -> u16 {
    if font == Font::Mono {
        return 600;
    }
    let table = match font {
        Font::Bold => &HELVETICA_BOLD,
        _ => &HELVETICA,
    };
    let code = c as u32;
    if (0x20..=0x7E).contains(&code) {
        return table[(code - 0x20) as usize];
    }
    match c {
        '\u{2013}' | '\u{20AC}' => 556,
        '\u{2014}' | '\u{2026}' | '\u{2030}' | '\u{2122}' => 1000,
        '\u{2018}' | '\u{2019}' | '\u{201A}' => 222,
        '\u{201C}' | '\u{201D}' | '\u{201E}' => 333,
        '\u{2022}' => 350,
        '\u{00A0}' => 278,
        '\u{00B7}' => 278,
        '\u{00D7}' => 584,
        c if c.is_uppercase() => 722,
        c if c.is_lowercase() => 556,
        _ => 556,
    }
}

/// The width of `text` in points at `size`.
pub fn width(font: Font, size: f32, text: &str) -> f32 {
    let units: u32 = text.chars().map(|c| u32::from(char_width(font, c))).sum();
    units as f32 * size / 1000.0
}

/// Maps `text` onto what the built-in fonts can draw (WinAnsi): Latin-1 and the
/// typographic punctuation of WinAnsi pass through, a few common symbols get ASCII
/// spellings, tabs become spaces, and anything else becomes `?`. Newlines are kept
/// (the wrapper treats them as paragraph breaks).
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\u{00AD}' => {}
            ' '..='~' | '\u{00A0}'..='\u{00FF}' => out.push(c),
            // WinAnsi's 0x80..0x9F punctuation, which the fonts do have.
            '\u{2013}' | '\u{2014}' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201C}'
            | '\u{201D}' | '\u{201E}' | '\u{2022}' | '\u{20AC}' | '\u{2122}' | '\u{2020}'
            | '\u{2021}' | '\u{2030}' | '\u{0152}' | '\u{0153}' | '\u{0160}' | '\u{0161}'
            | '\u{0178}' | '\u{017D}' | '\u{017E}' | '\u{0192}' => out.push(c),
            '\u{2026}' => out.push_str("..."),
            '\u{2212}' | '\u{2010}' | '\u{2011}' => out.push('-'),
            '\u{2265}' => out.push_str(">="),
            '\u{2264}' => out.push_str("<="),
            '\u{2260}' => out.push_str("!="),
            '\u{2192}' => out.push_str("->"),
            '\u{2190}' => out.push_str("<-"),
            '\u{2009}' | '\u{202F}' | '\u{2002}' | '\u{2003}' => out.push(' '),
            '\r' => {}
            _ => out.push('?'),
        }
    }
    out
}

/// Breaks `text` into lines no wider than `max_width` points: greedily at spaces, and
/// inside a word only when the word alone is too wide (paths, hashes). Newlines start a
/// new line; an empty text gives one empty line so that rows keep their height.
///
/// A text longer than [`TEXT_SHOWN`] characters is cut there with a note of how much
/// more there is (a 100 MB field must not become a million lines); the CSVs carry it
/// whole.
pub fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<String> {
    let text = sanitize(&shortened(text));
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(font, size, &candidate) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word starts a fresh line; split it if it is wider than a line.
            let mut rest = word;
            let mut rest_width = width(font, size, rest);
            while rest_width > max_width && !rest.is_empty() {
                let cut = split_point(rest, font, size, max_width);
                let (head, tail) = rest.split_at(cut);
                rest_width -= width(font, size, head);
                lines.push(head.to_string());
                rest = tail;
            }
            line = rest.to_string();
        }
        lines.push(line);
    }
    lines
}

/// The most characters of one text a page shows.
pub const TEXT_SHOWN: usize = 2000;

/// `text`, or its first [`TEXT_SHOWN`] characters and how many more there are.
fn shortened(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(TEXT_SHOWN) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            let more = text[cut..].chars().count();
            std::borrow::Cow::Owned(format!(
                "{} [... {more} more characters, in the CSV]",
                &text[..cut]
            ))
        }
    }
}

/// The byte index where `word` must be cut to fit in `max_width`, preferring just after
/// a `/`, `-`, `_` or `.` in the fitting part, and cutting at least one character.
fn split_point(word: &str, font: Font, size: f32, max_width: f32) -> usize {
    let mut fitting = 0;
    let mut preferred = None;
    let mut used = 0.0;
    for (index, c) in word.char_indices() {
        let advance = f32::from(char_width(font, c)) * size / 1000.0;
        if used + advance > max_width {
            break;
        }
        used += advance;
        fitting = index + c.len_utf8();
        if matches!(c, '/' | '-' | '_' | '.') && fitting < word.len() {
            preferred = Some(fitting);
        }
    }
    if fitting == 0 {
        return word
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(word.len());
    }
    match preferred {
        Some(cut) if cut * 2 >= fitting => cut,
        _ => fitting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_win_ansi_and_replaces_the_rest() {
        assert_eq!(sanitize("Zürich – 5 €"), "Zürich – 5 €");
        assert_eq!(sanitize("wait…"), "wait...");
        assert_eq!(sanitize("−3 ≥ 2 ≤ 4"), "-3 >= 2 <= 4");
        assert_eq!(sanitize("東京 ✓"), "?? ?");
        assert_eq!(sanitize("a\tb\r\nc"), "a b\nc");
    }

    #[test]
    fn widths_follow_the_afm_metrics() {
        assert_eq!(width(Font::Regular, 10.0, "i"), 2.22);
        assert_eq!(width(Font::Bold, 1000.0, "W"), 944.0);
        assert_eq!(width(Font::Mono, 10.0, "abc"), 18.0);
    }

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        let text = "the quick brown fox jumps over the lazy dog";
        let lines = wrap(text, Font::Regular, 10.0, 80.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for line in &lines {
            assert!(width(Font::Regular, 10.0, line) <= 80.0, "{line}");
        }
    }

    #[test]
    fn wrap_splits_words_longer_than_a_line() {
        let hash = "0123456789abcdef".repeat(4);
        let lines = wrap(&hash, Font::Mono, 10.0, 60.0);
        assert_eq!(lines.concat(), hash);
        assert!(lines.iter().all(|l| l.len() <= 10));
        let path = "evidence/probes/very-long-directory-name/file.csv";
        let lines = wrap(path, Font::Regular, 8.0, 70.0);
        assert_eq!(lines.concat(), path);
        assert!(lines[0].ends_with('/') || lines[0].ends_with('-'));
    }

    #[test]
    fn wrap_shows_the_start_of_an_enormous_text_and_says_how_much_more() {
        let enormous = "x".repeat(10_000_000);
        let lines = wrap(&enormous, Font::Regular, 8.0, 100.0);
        let shown: String = lines.concat();
        assert!(
            shown.starts_with(&"x".repeat(TEXT_SHOWN)),
            "{}",
            &shown[..80]
        );
        assert!(shown.len() < TEXT_SHOWN + 60, "{}", shown.len());
        assert!(
            lines
                .join(" ")
                .ends_with("[... 9998000 more characters, in the CSV]"),
            "{}",
            &shown[shown.len() - 80..]
        );
        assert!(lines.len() < 200, "{} lines", lines.len());
        let short = "a short text";
        assert_eq!(wrap(short, Font::Regular, 8.0, 500.0), [short]);
    }

    #[test]
    fn wrap_keeps_newlines_and_empty_text() {
        assert_eq!(wrap("", Font::Regular, 10.0, 50.0), vec![String::new()]);
        assert_eq!(wrap("a\nb", Font::Regular, 10.0, 50.0), vec!["a", "b"]);
    }
}
