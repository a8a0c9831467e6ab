//! The result model: one [`Assessment`] per run, built by the checks and read by every
//! renderer. Nothing here reads files, prints or touches keys; renderers only format
//! what is here, so the PDF, CSV, JSON and JUnit outputs can never disagree. Tenant
//! scoping and redaction ([`TenantScope`], [`Assessment::scoped_to`]) live here and
//! nowhere else.

mod assessment;
mod attestations;
mod check_id;
mod crosswalk;
pub mod evidence;
mod figures;
mod policy;
mod rollup;
mod status;
mod tenant;
mod waiver;
mod waivers;

pub use crate::time::Millis;
pub use assessment::{
    Assessment, BackupRepository, Cell, ClusterCapacity, ControlRow, DailyAvailability,
    DailyLatency, DailyPeak, EvidenceRow, EvidenceTable, Finding, Incident, InputFile,
    MaintenanceWindow, Organisation, Rejected, ServiceAvailability, ServiceLatency, SourceBackups,
    StatusCounts, TrailingAvailability, Unit,
};
pub use attestations::{
    assess_attestations, Attestation, AttestationEntry, AttestationKind, AttestationState,
    MAX_REVIEW_AGE_MONTHS,
};
pub use check_id::CheckId;
pub use crosswalk::{
    criteria_counts, roll_up_criteria, CriteriaCounts, Criterion, CriterionRow, Crosswalk, Mapping,
    Relationship,
};
pub use evidence::{columns, MissingColumn, Offending};
pub use figures::{
    AttestationCounts, FailedRun, LatencyFigures, NotEvaluatedReason, ServiceFigures, ThemeCounts,
    WaiverCounts, ANNEX_A_THEMES,
};
pub use policy::{Policy, RetentionTiers, PASSWORD_REQUIREMENTS, TLS_VERSIONS};
pub use rollup::{roll_up_controls, Control};
pub use status::{ControlStatus, Status};
pub use tenant::{
    drop_ip_addresses, Identity, NameKind, Names, SupportAccess, Tenancy, TenantScope,
    UnknownTenant, FOREIGN, IP, REASON_WITHHELD,
};
pub use waiver::{Waiver, WaiverEntry, WaiverNote, WaiverState, EXPIRING_WITHIN_DAYS};
pub use waivers::apply_waivers;
