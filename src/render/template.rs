//! Report templates (`report-templates/*.toml`): which sections a report has, their
//! wording and audience, as data built into the binary.

use serde::Deserialize;

use crate::error::Error;

const BUILT_IN: [(&str, &str); 2] = [
    (
        "monthly",
        include_str!("../../report-templates/monthly.toml"),
    ),
    (
        "due-diligence",
        include_str!("../../report-templates/due-diligence.toml"),
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub title: String,
    pub audience: String,
    pub intro: String,
    /// A pack of this template is scoped to one tenant (`--tenant`, SPEC §9).
    #[serde(default)]
    pub per_tenant: bool,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub kind: SectionKind,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub intro: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Cover,
    Summary,
    Availability,
    Backups,
    Access,
    Logging,
    Monitoring,
    /// SPEC §15: maintenance, responsiveness, trailing availability, capacity, disk
    /// alerts and backup tiers.
    Promises,
    /// SPEC §16: password policies, encryption at rest and in transit.
    Configuration,
    Soa,
    Waivers,
    EvidenceIndex,
    /// Due diligence: the customer's usual questions, answered from the figures.
    Answers,
    /// Due diligence: where the tenant's data and its backup copies are.
    DataLocation,
    /// Due diligence: every support access to the tenant, with its ticket.
    SupportAccess,
}

impl Template {
    pub fn names() -> Vec<&'static str> {
        BUILT_IN.iter().map(|(name, _)| *name).collect()
    }

    /// The templates whose packs are scoped to one tenant.
    pub fn per_tenant_names() -> Vec<&'static str> {
        Template::names()
            .into_iter()
            .filter(|name| Template::built_in(name).is_ok_and(|t| t.per_tenant))
            .collect()
    }

    pub fn built_in(name: &str) -> Result<Template, Error> {
        let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == name) else {
            return Err(Error::Usage(format!(
                "--template: expected one of {}, found `{name}`",
                Template::names().join(", ")
            )));
        };
        toml::from_str(text).map_err(|e| Error::Render {
            what: "a built-in report template",
            message: format!("{name}: {}", e.message()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_parse() {
        for name in Template::names() {
            let template = Template::built_in(name).expect(name);
            assert_eq!(template.name, name);
            assert_eq!(template.sections[0].kind, SectionKind::Cover);
        }
        assert!(Template::built_in("weekly").is_err());
    }

    #[test]
    fn only_due_diligence_is_scoped_to_a_tenant() {
        assert_eq!(Template::per_tenant_names(), ["due-diligence"]);
    }
}
