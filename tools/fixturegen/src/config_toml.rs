//! TOML the generator writes: the `[[input]]` tables of an `auditpack.toml` and
//! whole files of `[[table]]` rows (attestations, waivers), both through the toml
//! crate so that quoting and escaping are its business.
//!
//! A leaf: it knows the shape of SPEC §3's `[[input]]` entries, not which inputs
//! the demo or the benchmark declare.

use std::collections::BTreeMap;

use serde::Serialize;

/// One `[[input]]` of SPEC §3; the optional keys are left out when `None`.
#[derive(Debug, Default, Serialize)]
pub struct Input<'a> {
    pub kind: &'a str,
    pub format: &'a str,
    pub path: &'a str,
    pub source: Option<&'a str>,
    pub repository: Option<&'a str>,
    pub region: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub timezone: Option<&'a str>,
    /// SPEC §16: when a snapshot was taken, where the format does not say.
    pub observed_at: Option<&'a str>,
    /// SPEC §16: the machine an osquery export ran on.
    pub host: Option<&'a str>,
}

impl<'a> Input<'a> {
    /// An input with only the three required keys.
    pub fn new(kind: &'a str, format: &'a str, path: &'a str) -> Self {
        Input {
            kind,
            format,
            path,
            ..Input::default()
        }
    }
}

/// `rows` as `[[name]]` tables separated by blank lines.
pub fn tables<T: Serialize>(name: &str, rows: &[T]) -> String {
    toml::to_string(&BTreeMap::from([(name, rows)])).expect("plain rows serialise to TOML")
}

/// `inputs` as `[[input]]` tables.
pub fn inputs(inputs: &[Input<'_>]) -> String {
    tables("input", inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_leave_out_absent_keys() {
        let borg = Input {
            timezone: Some("Australia/Melbourne"),
            ..Input::new("backups", "borg", "evidence/backups/x.json")
        };
        assert_eq!(
            inputs(&[Input::new("probes", "csv", "evidence/probes/"), borg]),
            "[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"evidence/probes/\"\n\n\
             [[input]]\nkind = \"backups\"\nformat = \"borg\"\npath = \"evidence/backups/x.json\"\n\
             timezone = \"Australia/Melbourne\"\n"
        );
    }
}
