//! AWS Well-Architected custom lenses in and out: `orr import wa-lens` writes
//! question banks from a lens, `orr export wa-lens` writes the banks as a lens.
//!
//! [`format`] is the lens format and its limits, [`read`] reads a lens as
//! hostile input, [`rules`] checks its risk rules, [`ids`] maps ids both
//! ways, [`import`] and [`export`] do the two directions.

pub mod export;
pub mod format;
pub mod ids;
pub mod import;
pub mod read;
pub mod rules;
pub mod text;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;

/// What `orr import wa-lens` did: the files written, one line per id, and
/// the problems of the lens.
pub struct Imported {
    pub written: Vec<PathBuf>,
    pub id_lines: Vec<String>,
    pub diagnostics: Diagnostics,
}

/// Reads the lens at `file` and writes its banks under `root`. `Err` is a
/// failure of the command (unreadable file, a bank that exists); errors of
/// the lens itself come back as diagnostics, with nothing written.
pub fn import_file(
    root: &Path,
    file: &Path,
    prefix: Option<&str>,
    force: bool,
) -> Result<Imported, String> {
    if let Some(p) = prefix {
        if !crate::resolve::ids::is_valid_id(p) {
            return Err(format!(
                "`{}` is not a valid prefix: use lowercase letters, digits and `-`",
                p.escape_debug()
            ));
        }
    }
    let text = read_limited(file)?;
    let shown = file.display().to_string();
    let mut diagnostics = Diagnostics::new();
    let Some(lens) = read::read_lens(&shown, &text, &mut diagnostics) else {
        return Ok(Imported {
            written: Vec::new(),
            id_lines: Vec::new(),
            diagnostics,
        });
    };
    let plan = import::plan(&lens, prefix, &shown, &mut diagnostics);
    diagnostics.extend(import::clashes_with(&existing(root)?, &plan, &shown));
    if diagnostics.has_errors() {
        return Ok(Imported {
            written: Vec::new(),
            id_lines: plan.id_lines,
            diagnostics,
        });
    }
    let written = import::write_banks(root, &plan.banks, force)?;
    Ok(Imported {
        written,
        id_lines: plan.id_lines,
        diagnostics,
    })
}

/// The handbook at `root` as it is now (its own problems are for `orr check`).
fn existing(root: &Path) -> Result<crate::model::Handbook, String> {
    let options = crate::pipeline::Options {
        root: root.to_path_buf(),
        today: crate::date::resolve_today(None, None)?,
        base_url: None,
    };
    Ok(crate::pipeline::Engine::new().judge(&options).handbook)
}

/// The file's text, refused past [`read::MAX_READ_BYTES`] (read through a
/// bounded reader, so a growing file or a device cannot exhaust memory).
fn read_limited(file: &Path) -> Result<String, String> {
    let handle =
        std::fs::File::open(file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
    let mut bytes = Vec::new();
    handle
        .take(read::MAX_READ_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
    if bytes.len() as u64 > read::MAX_READ_BYTES {
        return Err(format!(
            "`{}` is larger than {} bytes; a lens AWS accepts is at most {}",
            file.display(),
            read::MAX_READ_BYTES,
            format::MAX_LENS_BYTES
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("`{}` is not UTF-8 text", file.display()))
}

/// Writes an exported lens to `out`, replacing an older regular file but
/// never writing through a symbolic link.
pub fn write_lens(out: &Path, json: &str) -> Result<(), String> {
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "`{}` is a symbolic link; orr writes only regular files",
            out.display()
        ));
    }
    if out.is_dir() {
        return Err(format!(
            "`{}` is a directory; --out names the lens file",
            out.display()
        ));
    }
    std::fs::write(out, json).map_err(|e| format!("cannot write `{}`: {e}", out.display()))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn sample() -> Value {
        json!({
            "schemaVersion": "2021-11-01",
            "name": "Sample",
            "description": "A lens.",
            "pillars": [{
                "id": "pillar_one",
                "name": "One",
                "questions": [{
                    "id": "q_one",
                    "title": "Is it done? [HIGH]",
                    "description": "Why.\n\nMore.",
                    "helpfulResource": { "displayText": "Help", "url": "https://example.com" },
                    "choices": [
                        { "id": "c_one", "title": "Done",
                          "helpfulResource": { "displayText": "h", "url": "https://example.com/h" },
                          "improvementPlan": { "displayText": "Do it" },
                          "additionalResources": [{ "type": "HELPFUL_RESOURCE",
                              "content": [{ "displayText": "more", "url": "https://example.com/m" }] }] },
                        { "id": "c_no", "title": "None of these" }
                    ],
                    "riskRules": [
                        { "condition": "c_one", "risk": "NO_RISK" },
                        { "condition": "default", "risk": "HIGH_RISK" }
                    ]
                }]
            }]
        })
    }

    /// JSON pointers of every node of `value`.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    pointers(v, format!("{at}/{k}"), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    /// Every node of a lens replaced by every other shape: never a panic,
    /// and every bank written keeps one attribute block per question heading.
    #[test]
    fn a_mangled_lens_never_panics_nor_breaks_a_heading() {
        let base = sample();
        let mut all = Vec::new();
        pointers(&base, String::new(), &mut all);
        let shapes = [
            Value::Null,
            json!(7),
            json!(""),
            json!([]),
            json!({}),
            json!("x".repeat(3000)),
            json!("} {#evil level=required}\n## x {#y}"),
        ];
        for pointer in &all {
            for shape in &shapes {
                let mut lens = base.clone();
                match lens.pointer_mut(pointer) {
                    Some(slot) => *slot = shape.clone(),
                    None => continue,
                }
                let mut diagnostics = Diagnostics::new();
                let text = lens.to_string();
                let Some(read) = read::read_lens("lens.json", &text, &mut diagnostics) else {
                    assert!(diagnostics.has_errors());
                    continue;
                };
                let plan = import::plan(&read, Some("p"), "lens.json", &mut diagnostics);
                for bank in &plan.banks {
                    assert!(crate::resolve::ids::is_valid_id(&bank.category));
                    for line in bank.text.lines().filter(|l| l.starts_with("## ")) {
                        assert_eq!(line.matches(" {#").count(), 1, "{pointer}: {line}");
                        assert!(
                            line.ends_with(" level=required}")
                                || line.ends_with(" level=recommended}"),
                            "{pointer}: {line}"
                        );
                    }
                    // The front matter holds the pillar name as a quoted YAML string.
                    let body = bank.text.splitn(3, "---\n").nth(2).unwrap_or_default();
                    assert!(!body.contains("{#y}"), "{pointer}");
                    assert!(!body.contains("{#evil"), "{pointer}");
                    let front: String = bank.text.lines().take(4).collect::<Vec<_>>().join("\n");
                    assert!(
                        front.starts_with("---\ntitle: \"") && front.ends_with("\n---"),
                        "{pointer}: {front}"
                    );
                }
            }
        }
    }
}
