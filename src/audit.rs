//! `orr audit --out DIR`: an auditor's bundle, built from the git trail.
//!
//! - `waivers.json`, `waivers.csv`: the register with each waiver's trail
//!   and count of unrecorded changes;
//! - `changes.csv`: every answer change in the period (`--since`), one row
//!   per field;
//! - `manifest.json`: the commit, whether the work tree was dirty, the day
//!   judged, and the sha256 of every other file.
//!
//! Without git history the command fails (exit status 2): a bundle that
//! cannot name its commits is not evidence.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::analyze::trail::{AnswerStep, FirstVersion, TrailStep};
use crate::analyze::{Assessment, WaiverRow};
use crate::pipeline::Checked;
use crate::render::api::{csv_safe, waiver};

/// The files of the bundle, in the order they are written (the manifest last).
pub const FILES: [&str; 3] = ["waivers.json", "waivers.csv", "changes.csv"];

/// `manifest.json`.
#[derive(Serialize)]
pub struct Manifest {
    pub commit: String,
    pub dirty: bool,
    /// The day the handbook was judged.
    pub as_of: Date,
    /// The start of the period of `changes.csv` (`None`: the whole history).
    pub since: Option<Date>,
    /// File name to lowercase hexadecimal sha256.
    pub files: BTreeMap<String, String>,
}

/// Why a bundle could not be written; the command fails with exit status 2.
#[derive(Debug)]
pub struct AuditError(pub String);

/// Writes the bundle of the judged handbook `checked` into `out`.
pub fn write(checked: &Checked, out: &Path, since: Option<Date>) -> Result<Manifest, AuditError> {
    let a = &checked.assessment;
    if let Some(why) = &a.trail.unavailable {
        return Err(AuditError(format!(
            "an audit needs the handbook's git history, and there is none: {why}"
        )));
    }
    let provenance = a.trail.provenance.as_ref().ok_or_else(|| {
        AuditError("an audit needs a commit to name, and the repository has none".into())
    })?;
    refuse_foreign_files(out)?;
    std::fs::create_dir_all(out)
        .map_err(|e| AuditError(format!("cannot create `{}`: {e}", out.display())))?;
    let mut manifest = Manifest {
        commit: provenance.commit.clone(),
        dirty: provenance.dirty,
        as_of: a.today,
        since,
        files: BTreeMap::new(),
    };
    for name in FILES {
        let bytes = match name {
            "waivers.json" => waivers_json(&a.waivers),
            "waivers.csv" => waivers_csv(&a.waivers),
            _ => changes_csv(a, since),
        };
        put(out, name, &bytes)?;
        manifest
            .files
            .insert(name.to_string(), format!("{:x}", Sha256::digest(&bytes)));
    }
    let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    bytes.push(b'\n');
    put(out, "manifest.json", &bytes)?;
    Ok(manifest)
}

/// A bundle goes into a new or empty directory, or replaces an earlier
/// bundle; orr never overwrites files it did not write, nor writes through
/// a symbolic link.
fn refuse_foreign_files(out: &Path) -> Result<(), AuditError> {
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(AuditError(format!("cannot read `{}`: {e}", out.display()))),
    };
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        let ours = name == "manifest.json" || FILES.contains(&name.as_str());
        if !regular || !ours {
            return Err(AuditError(format!(
                "`{}` holds `{name}`, which orr audit did not write; choose a new or empty directory",
                out.display()
            )));
        }
        names.push(name);
    }
    if !names.is_empty() && !names.iter().any(|n| n == "manifest.json") {
        return Err(AuditError(format!(
            "`{}` holds files but no manifest.json of an earlier bundle; choose a new or empty directory",
            out.display()
        )));
    }
    Ok(())
}

fn put(out: &Path, name: &str, bytes: &[u8]) -> Result<(), AuditError> {
    let path = out.join(name);
    std::fs::write(&path, bytes)
        .map_err(|e| AuditError(format!("cannot write `{}`: {e}", path.display())))
}

fn waivers_json(rows: &[WaiverRow]) -> Vec<u8> {
    let rows: Vec<_> = rows.iter().map(waiver).collect();
    let mut bytes = serde_json::to_vec_pretty(&rows).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The register with its trail: one row per waiver, the trail in one cell.
fn waivers_csv(rows: &[WaiverRow]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "service",
        "question",
        "state",
        "reason",
        "approver",
        "granted",
        "expires",
        "unrecorded_changes",
        "trail",
    ]);
    for w in rows {
        let trail = w.trail.iter().map(step_text).collect::<Vec<_>>().join("; ");
        let _ = writer.write_record([
            w.service.as_str(),
            w.question.as_str(),
            w.state.as_str(),
            &csv_safe(&w.reason),
            &csv_safe(&w.approver),
            &w.granted.to_string(),
            &w.expires.to_string(),
            &w.unrecorded_changes.to_string(),
            &csv_safe(&trail),
        ]);
    }
    writer.into_inner().unwrap_or_default()
}

/// `DATE COMMIT AUTHOR: field, field`.
fn step_text(step: &TrailStep) -> String {
    let fields: Vec<&str> = step.changes.iter().map(|c| c.field).collect();
    format!(
        "{} {} {}: {}",
        step.date,
        step.commit.get(..12).unwrap_or(&step.commit),
        step.author,
        fields.join(", ")
    )
}

/// Every answer change on or after `since`, by date, service and question.
fn changes_csv(a: &Assessment, since: Option<Date>) -> Vec<u8> {
    let mut rows: Vec<(&str, AnswerStep)> = a
        .trail
        .services
        .iter()
        .flat_map(|(name, t)| {
            // The first version's answers, listed one by one only here.
            let first = t.first_version.iter().flat_map(FirstVersion::steps);
            first
                .chain(t.trail.iter().cloned())
                .map(move |s| (name.as_str(), s))
        })
        .filter(|(_, s)| since.is_none_or(|since| s.step.date >= since))
        .collect();
    rows.sort_by(|x, y| {
        (x.1.step.date, x.0, &x.1.question).cmp(&(y.1.step.date, y.0, &y.1.question))
    });
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "service", "question", "field", "from", "to", "commit", "date", "author",
    ]);
    for (service, s) in rows {
        for c in &s.step.changes {
            let _ = writer.write_record([
                service,
                s.question.as_str(),
                c.field,
                &csv_safe(c.from.as_deref().unwrap_or("")),
                &csv_safe(c.to.as_deref().unwrap_or("")),
                s.step.commit.as_str(),
                &s.step.date.to_string(),
                &csv_safe(&s.step.author),
            ]);
        }
    }
    writer.into_inner().unwrap_or_default()
}
