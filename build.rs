//! Generates `CheckId` from `controls/bindings.toml`: the binding of a check is where its
//! public id is declared, so adding a check never means editing an enum by hand. The
//! generated code is `model::check_id`'s enum, `ALL` and `as_str` (in bindings order,
//! which is also the order `Ord` gives).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let bindings = Path::new("controls/bindings.toml");
    println!("cargo:rerun-if-changed={}", bindings.display());
    let text = std::fs::read_to_string(bindings).expect("controls/bindings.toml is readable");
    let parsed: toml::Table = text.parse().expect("controls/bindings.toml is valid TOML");
    let ids: Vec<String> = parsed
        .get("check")
        .and_then(toml::Value::as_array)
        .expect("controls/bindings.toml has [[check]] tables")
        .iter()
        .map(|check| {
            check
                .get("id")
                .and_then(toml::Value::as_str)
                .expect("every [[check]] has an id")
                .to_string()
        })
        .collect();
    let mut code = String::new();
    code.push_str("/// A check's stable public code (generated from `controls/bindings.toml`).\n");
    code.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]\n");
    code.push_str("pub enum CheckId {\n");
    for id in &ids {
        let _ = writeln!(code, "    /// `{id}`\n    {},", variant(id));
    }
    code.push_str("}\n\nimpl CheckId {\n");
    let _ = writeln!(code, "    pub const ALL: [CheckId; {}] = [", ids.len());
    for id in &ids {
        let _ = writeln!(code, "        CheckId::{},", variant(id));
    }
    code.push_str("    ];\n\n    pub fn as_str(self) -> &'static str {\n        match self {\n");
    for id in &ids {
        let _ = writeln!(code, "            CheckId::{} => \"{id}\",", variant(id));
    }
    code.push_str("        }\n    }\n}\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("check_id.rs");
    std::fs::write(out, code).expect("write the generated check ids");
}

/// `backup.restore_test` → `BackupRestoreTest`.
fn variant(id: &str) -> String {
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
        "check id `{id}`: lowercase letters, digits, `.` and `_` only"
    );
    id.split(['.', '_'])
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
