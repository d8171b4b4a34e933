//! `orr init` and `orr new service`: files a user starts from.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use jiff::civil::Date;

use crate::model::{Handbook, Level};

/// The bundled handbook, copied by `orr init` as the working example.
static DEFAULT_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// Writes the default handbook into `dir`; refuses to overwrite an existing `content/`.
pub fn init(dir: &Path) -> Result<String, String> {
    let content = dir.join("content");
    if content.exists() {
        return Err(format!(
            "`{}` already exists: orr init only starts new handbooks",
            content.display()
        ));
    }
    std::fs::create_dir_all(&content)
        .map_err(|e| format!("cannot create `{}`: {e}", content.display()))?;
    write_dir(&DEFAULT_CONTENT, &content)?;
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        std::fs::write(&gitignore, "site/\n")
            .map_err(|e| format!("cannot write `{}`: {e}", gitignore.display()))?;
    }
    Ok(format!(
        "started a handbook in {}: the default checklist and an example organisation.\nnext: `orr serve --root {}` to preview it, `orr new service NAME` to add your own service",
        dir.display(),
        dir.display()
    ))
}

fn write_dir(dir: &Dir, target: &Path) -> Result<(), String> {
    for file in dir.files() {
        let path = target.join(
            file.path()
                .strip_prefix(DEFAULT_CONTENT.path())
                .unwrap_or(file.path()),
        );
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&path, file.contents())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    for sub in dir.dirs() {
        write_dir(sub, target)?;
    }
    Ok(())
}

/// Writes `content/services/<name>.yaml` with every applicable question listed, unanswered.
pub fn new_service(
    handbook: &Handbook,
    root: &Path,
    name: &str,
    tags: &[String],
    today: Date,
) -> Result<PathBuf, String> {
    if !crate::resolve::ids::is_valid_id(name) {
        return Err(format!(
            "`{name}` is not a valid service name: use lowercase letters, digits and `-`"
        ));
    }
    for tag in tags {
        if !handbook.config.tags.contains_key(tag) {
            let known = handbook
                .config
                .tags
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "unknown tag `{tag}` (tags of content/orr.yaml: {known})"
            ));
        }
    }
    let path = root.join("content/services").join(format!("{name}.yaml"));
    if path.exists() {
        return Err(format!("`{}` already exists", path.display()));
    }
    let text = service_skeleton(handbook, name, tags, today);
    std::fs::create_dir_all(root.join("content/services"))
        .map_err(|e| format!("cannot create content/services: {e}"))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(path)
}

/// The skeleton: required keys filled with placeholders, each applicable question as a comment to fill in.
pub fn service_skeleton(handbook: &Handbook, name: &str, tags: &[String], today: Date) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Readiness answers for `{name}`. Written by `orr new service` on {today}."
    );
    let _ = writeln!(
        out,
        "# Answer a question by moving it under `answers:` and filling it in:"
    );
    let _ = writeln!(
        out,
        "#   yes     -> evidence: <link>        partial -> plan: <link>, due: YYYY-MM-DD"
    );
    let _ = writeln!(
        out,
        "#   waived  -> waiver: {{reason, approver, granted, expires}}   no -> note: <why>"
    );
    let _ = writeln!(out, "title: {name}");
    let _ = writeln!(out, "owner: your-team");
    let _ = writeln!(out, "tier: 3");
    let _ = writeln!(out, "tags: [{}]", tags.join(", "));
    let _ = writeln!(out, "summary: What this service does, in one sentence.");
    let _ = writeln!(out, "slo:\n  availability: 99.9\n  latency_p99_ms: 500");
    let _ = writeln!(
        out,
        "oncall:\n  rotation: your-rotation\n  members: 4\n  escalation: []"
    );
    let _ = writeln!(out, "dependencies: []");
    let _ = writeln!(out, "risks: []");
    let _ = writeln!(out, "reviews: []");
    let _ = writeln!(out, "answers:");
    for category in &handbook.categories {
        let questions: Vec<_> = handbook
            .questions
            .iter()
            .filter(|q| q.category == category.id && q.applies_to(tags, today))
            .collect();
        if questions.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  # {} ({})", category.title, category.id);
        for q in questions {
            let level = if q.level == Level::Required {
                "required"
            } else {
                "recommended"
            };
            let _ = writeln!(
                out,
                "  # {}:  # {level}: {}",
                q.id,
                q.title.replace('\n', " ")
            );
            let _ = writeln!(out, "  #   status: yes");
            let _ = writeln!(out, "  #   evidence: https://");
        }
    }
    out
}
