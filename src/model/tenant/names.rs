//! Finding known names in text: the one matcher behind both halves of tenant scoping,
//! dropping what names another tenant and pseudonymising staff. It also drops IP
//! addresses from text. It never decides which rows belong to a tenant: it only says
//! what a text mentions.
//!
//! A name matches case-insensitively (ASCII) where it stands as a whole word: a name
//! that begins (ends) with a letter or digit does not match right after (before)
//! another one. So `acme` matches in `acme`, `evidence/acme/x.csv` and
//! `x@acme.example`, not in `acmecorp`, and a directory `evidence/acme/` matches the
//! files under it. Where names
//! overlap the longest wins, so a tenant's own `acme-payroll` is not read as another
//! tenant `acme` followed by `-payroll`.

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// What a name is, seen from the requested tenant's pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameKind {
    /// The tenant's own: its id, its sources, its users, its files. Shown as they are;
    /// listed so that a shorter staff or foreign name inside it is not matched.
    Own,
    /// A member of the provider's staff: becomes a pseudonym.
    Staff,
    /// Another tenant's id, source, user or file: never shown.
    Foreign,
}

/// What replaces another tenant's name in free text.
pub const FOREIGN: &str = "[another customer]";
/// What replaces an IP address in text.
pub const IP: &str = "[ip]";

/// Known names, indexed by their first two bytes so that a text is scanned once,
/// whatever the number of names.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// `(name as given, its lowercase bytes, kind)`.
    names: Vec<(String, Vec<u8>, NameKind)>,
    /// Indices into `names` by the first two lowercase bytes, longest name first.
    by_prefix: HashMap<[u8; 2], Vec<usize>>,
    /// Indices of one-byte names.
    single: Vec<usize>,
}

/// One name found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub range: Range<usize>,
    /// Index of the name (see [`Names::name`]).
    pub name: usize,
    pub kind: NameKind,
}

impl Names {
    /// The matcher for `entries`. A name given with several kinds keeps the strongest:
    /// foreign over staff over own, so a doubt never shows another tenant's name.
    pub fn new(entries: impl IntoIterator<Item = (String, NameKind)>) -> Names {
        let mut strongest: BTreeMap<Vec<u8>, (String, NameKind)> = BTreeMap::new();
        for (name, kind) in entries {
            if name.trim().is_empty() {
                continue;
            }
            let key = name.as_bytes().to_ascii_lowercase();
            match strongest.get_mut(&key) {
                Some(entry) if entry.1 >= kind => {}
                Some(entry) => *entry = (name, kind),
                None => {
                    strongest.insert(key, (name, kind));
                }
            }
        }
        let mut names = Names::default();
        for (key, (name, kind)) in strongest {
            let index = names.names.len();
            match key.as_slice() {
                [] => continue,
                [_] => names.single.push(index),
                [first, second, ..] => names
                    .by_prefix
                    .entry([*first, *second])
                    .or_default()
                    .push(index),
            }
            names.names.push((name, key, kind));
        }
        for list in names.by_prefix.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(names.names[i].1.len()));
        }
        names
    }

    /// The name as it was given.
    pub fn name(&self, index: usize) -> &str {
        &self.names[index].0
    }

    /// Every name `text` mentions, left to right, overlapping names resolved to the
    /// longest.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut position = 0;
        while position < bytes.len() {
            if text.is_char_boundary(position) {
                let after_word = alphanumeric_before(text, position);
                if let Some((name, end)) = self.longest_at(text, position, after_word) {
                    found.push(Mention {
                        range: position..end,
                        name,
                        kind: self.names[name].2,
                    });
                    position = end;
                    continue;
                }
            }
            position += 1;
        }
        found
    }

    /// Whether `text` names another tenant.
    pub fn mentions_foreign(&self, text: &str) -> bool {
        self.mentions(text)
            .iter()
            .any(|m| m.kind == NameKind::Foreign)
    }

    /// The longest name that starts at `position` and stands as a whole word there:
    /// a name that begins (ends) with a letter or digit must not follow (be followed
    /// by) one. `after_word`: the character before `position` is a letter or digit.
    fn longest_at(&self, text: &str, position: usize, after_word: bool) -> Option<(usize, usize)> {
        let bytes = text.as_bytes();
        let rest = &bytes[position..];
        let pair = match rest {
            [first, second, ..] => Some([first.to_ascii_lowercase(), second.to_ascii_lowercase()]),
            _ => None,
        };
        let candidates = pair
            .and_then(|pair| self.by_prefix.get(&pair))
            .into_iter()
            .flatten()
            .chain(self.single.iter());
        for &index in candidates {
            let name_text = &self.names[index].0;
            let name = &self.names[index].1;
            let end = position + name.len();
            let starts_word = name_text.chars().next().is_some_and(char::is_alphanumeric);
            let ends_word = name_text
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            let matches = rest.len() >= name.len()
                && !(starts_word && after_word)
                && rest[..name.len()].eq_ignore_ascii_case(name)
                && text.is_char_boundary(end)
                && !(ends_word
                    && text[end..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric));
            if matches {
                return Some((index, end));
            }
        }
        None
    }

    /// `text` with every mention replaced: own names as they are, staff by
    /// `pseudonym(index)`, other tenants' names by [`FOREIGN`]; then IP addresses
    /// dropped ([`drop_ip_addresses`]).
    pub fn rewrite(&self, text: &str, pseudonym: impl Fn(usize) -> String) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for mention in self.mentions(text) {
            out.push_str(&text[last..mention.range.start]);
            match mention.kind {
                NameKind::Own => out.push_str(&text[mention.range.clone()]),
                NameKind::Staff => out.push_str(&pseudonym(mention.name)),
                NameKind::Foreign => out.push_str(FOREIGN),
            }
            last = mention.range.end;
        }
        out.push_str(&text[last..]);
        drop_ip_addresses(&out)
    }
}

/// Whether the character before byte `position` of `text` is a letter or digit.
fn alphanumeric_before(text: &str, position: usize) -> bool {
    text.get(..position)
        .and_then(|before| before.chars().next_back())
        .is_some_and(char::is_alphanumeric)
}

/// `text` with every IPv4 and IPv6 address replaced by [`IP`]. An address is a whole
/// word of digits, hex letters, dots and colons that parses as one (a trailing `:port`
/// on IPv4 included); times like `14:05:03` do not parse and stay.
pub fn drop_ip_addresses(text: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == ':' || c == '%';
    let mut out = String::with_capacity(text.len());
    let mut word_start: Option<usize> = None;
    let flush = |out: &mut String, word: &str| {
        // Sentence punctuation after an address is not part of it.
        let core = word.trim_end_matches(['.', ':']);
        if is_ip_address(core) {
            out.push_str(IP);
            out.push_str(&word[core.len()..]);
        } else {
            out.push_str(word);
        }
    };
    for (index, c) in text.char_indices() {
        if is_word(c) {
            word_start.get_or_insert(index);
            continue;
        }
        if let Some(start) = word_start.take() {
            flush(&mut out, &text[start..index]);
        }
        out.push(c);
    }
    if let Some(start) = word_start {
        flush(&mut out, &text[start..]);
    }
    out
}

fn is_ip_address(word: &str) -> bool {
    if word.parse::<Ipv4Addr>().is_ok() {
        return true;
    }
    if let Some((host, port)) = word.split_once(':') {
        if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            return host.parse::<Ipv4Addr>().is_ok();
        }
    }
    let address = word
        .split_once('%')
        .map_or(word, |(address, _zone)| address);
    address.matches(':').count() >= 2 && address.parse::<Ipv6Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names::new([
            ("acme-payroll".to_string(), NameKind::Own),
            ("acme".to_string(), NameKind::Foreign),
            ("globex".to_string(), NameKind::Foreign),
            ("j.chen".to_string(), NameKind::Staff),
            ("r.patel".to_string(), NameKind::Staff),
        ])
    }

    #[test]
    fn names_match_as_whole_words_only() {
        let names = names();
        assert!(names.mentions_foreign("evidence/globex/backups.csv"));
        assert!(names.mentions_foreign("ava@globex.example"));
        assert!(names.mentions_foreign("GLOBEX"));
        assert!(!names.mentions_foreign("globexcorp"));
        assert!(!names.mentions_foreign("megaglobex"));
        assert!(!names.mentions_foreign("(no tenant)"));
    }

    #[test]
    fn a_name_ending_in_a_separator_matches_what_follows_it() {
        let names = Names::new([("evidence/globex/".to_string(), NameKind::Foreign)]);
        assert!(names.mentions_foreign("evidence/globex/audit.ndjson"));
        assert!(!names.mentions_foreign("evidence/globexcorp/audit.ndjson"));
    }

    #[test]
    fn the_longest_name_wins_where_names_overlap() {
        let names = names();
        // The tenant's own id is not read as another tenant `acme` and a suffix.
        assert!(!names.mentions_foreign("acme-payroll"));
        assert!(names.mentions_foreign("acme-payroll and acme"));
        assert!(names.mentions_foreign("acme-billing"));
    }

    #[test]
    fn rewrite_pseudonymises_staff_and_drops_foreign_names_and_ip_addresses() {
        let names = names();
        let rewritten = names.rewrite(
            "deactivated by r.patel; j.chen entered acme-payroll and globex from 192.0.2.51.",
            |index| format!("<{}>", names.name(index)),
        );
        assert_eq!(
            rewritten,
            "deactivated by <r.patel>; <j.chen> entered acme-payroll and [another customer] from [ip]."
        );
    }

    #[test]
    fn a_name_given_twice_keeps_its_strongest_kind() {
        let names = Names::new([
            ("db".to_string(), NameKind::Own),
            ("DB".to_string(), NameKind::Foreign),
        ]);
        assert!(names.mentions_foreign("db"));
    }

    #[test]
    fn ip_addresses_are_dropped_but_times_and_versions_stay() {
        assert_eq!(drop_ip_addresses("from 10.0.0.5:443, ok"), "from [ip], ok");
        assert_eq!(
            drop_ip_addresses("2001:db8::1 and fe80::1%eth0"),
            "[ip] and [ip]"
        );
        assert_eq!(
            drop_ip_addresses("2026-10-01T14:05:03Z v0.1.0 model::Finding"),
            "2026-10-01T14:05:03Z v0.1.0 model::Finding"
        );
        assert_eq!(drop_ip_addresses("net 10.1.2.0/24"), "net [ip]/24");
    }
}
