//! `orr init` and `orr new service`: files a user starts from.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use jiff::civil::Date;

use crate::model::{Handbook, Level};

/// The bundled handbook, copied by `orr init` as the working example.
static DEFAULT_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// Writes the default handbook into `dir`; refuses to overwrite an existing
/// `content/`, and never replaces any file already there (a `.gitignore` is
/// kept as it is).
pub fn init(dir: &Path) -> Result<String, String> {
    let content = dir.join("content");
    if std::fs::symlink_metadata(&content).is_ok() {
        return Err(format!(
            "`{}` already exists: orr init only starts new handbooks",
            content.display()
        ));
    }
    std::fs::create_dir_all(&content)
        .map_err(|e| format!("cannot create `{}`: {e}", content.display()))?;
    write_dir(&DEFAULT_CONTENT, &content)?;
    write_schemas(&dir.join("schema"))?;
    let gitignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&gitignore).is_err() {
        // The site, and the lock and staging folders `orr build` keeps beside it.
        write_new_file(&gitignore, b"/site/\n/.site.orr-*\n")?;
    }
    Ok(format!(
        "started a handbook in {}: the default checklist and an example organisation.\nnext: `orr serve --root {}` to preview it, `orr new service NAME` to add your own service",
        dir.display(),
        dir.display()
    ))
}

/// Where a service file's modeline finds the schema: `schema/` at the
/// handbook's root, seen from `content/services/`. A relative path works
/// offline and in any checkout.
pub const SERVICE_SCHEMA_MODELINE: &str =
    "# yaml-language-server: $schema=../../schema/service.schema.json";

/// Writes the JSON Schemas into `dir` (created if missing), replacing older
/// copies: they are generated, so the newest orr's are the right ones.
pub fn write_schemas(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, text) in crate::load::json_schema::schema_files() {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "`{}` is a symbolic link; orr writes only regular files",
                path.display()
            ));
        }
        std::fs::write(&path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
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
        write_new_file(&path, file.contents())?;
    }
    for sub in dir.dirs() {
        write_dir(sub, target)?;
    }
    Ok(())
}

/// Writes `content/services/<name>.yaml` with every applicable question listed, unanswered.
///
/// Only a new regular file inside the handbook's own `content/services/` is
/// ever written: a symlink there (dangling or not) is refused, and the file is
/// created exclusively, so nothing can redirect the write.
pub fn new_service(
    handbook: &Handbook,
    root: &Path,
    name: &str,
    tags: &[String],
    tier: u8,
    today: Date,
) -> Result<PathBuf, String> {
    check_service_name(name)?;
    for tag in tags {
        if !handbook.config.tags.contains_key(tag) || !crate::resolve::ids::is_valid_id(tag) {
            let known = handbook
                .config
                .tags
                .keys()
                .filter(|t| crate::resolve::ids::is_valid_id(t))
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "unknown tag `{tag}` (tags of content/orr.yaml: {known})"
            ));
        }
    }
    let dir = services_dir(root)?;
    let path = dir.join(format!("{name}.yaml"));
    let text = service_skeleton(handbook, name, tags, tier, today);
    write_new_file(&path, text.as_bytes())?;
    Ok(path)
}

/// `Ok` when `name` may name a service file (the loader's rule for ids).
pub fn check_service_name(name: &str) -> Result<(), String> {
    if crate::resolve::ids::is_valid_id(name) {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a valid service name: use lowercase letters, digits and `-`",
            name.escape_debug()
        ))
    }
}

/// `content/services/` under `root`, created if missing; refused when its real
/// path (through any symlink) is not inside the handbook.
fn services_dir(root: &Path) -> Result<PathBuf, String> {
    let real = |path: &Path| {
        std::fs::canonicalize(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
    };
    let real_root = real(root)?;
    let inside = |dir: &Path| -> Result<(), String> {
        let real_dir = real(dir)?;
        if real_dir.starts_with(&real_root) {
            return Ok(());
        }
        Err(format!(
            "`{}` leads outside the handbook (to `{}`): orr writes service files only inside it",
            dir.display(),
            real_dir.display()
        ))
    };
    // content/ first, so creating services/ cannot create a folder elsewhere.
    inside(&root.join("content"))?;
    let dir = root.join("content/services");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    inside(&dir)?;
    Ok(dir)
}

/// Creates `path` as a new file: never over an existing file, and never
/// through a symlink (an exclusive create does not follow one, dangling or not).
pub(crate) fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let what = if meta.file_type().is_symlink() {
            "is a symbolic link; orr writes only new regular files"
        } else {
            "already exists"
        };
        return Err(format!("`{}` {what}", path.display()));
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("cannot create `{}`: {e}", path.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// The skeleton: required keys filled with placeholders, each applicable question as a comment to fill in.
pub fn service_skeleton(
    handbook: &Handbook,
    name: &str,
    tags: &[String],
    tier: u8,
    today: Date,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{SERVICE_SCHEMA_MODELINE}");
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
    let _ = writeln!(
        out,
        "#   n/a     -> reason: <why it does not apply>, approver: <who agreed> (required questions), bank_version: \"{}\"",
        one_line(handbook.config.bank_version.as_deref().unwrap_or("<the bank version>"))
    );
    let _ = writeln!(out, "title: {name}");
    let _ = writeln!(out, "owner: your-team");
    let _ = writeln!(out, "tier: {tier}");
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
            .filter(|q| q.category == category.id && q.applies_to(tags, tier, today))
            .collect();
        if questions.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  # {} ({})",
            one_line(&category.title),
            one_line(&category.id)
        );
        for q in questions {
            let level = if q.level == Level::Required {
                "required"
            } else {
                "recommended"
            };
            let _ = writeln!(
                out,
                "  # {}:  # {level}: {}",
                one_line(&q.id),
                one_line(&q.title)
            );
            let _ = writeln!(out, "  #   status: \"yes\"");
            let _ = writeln!(out, "  #   evidence: https://");
        }
    }
    out
}

/// `text` made safe for a `#` comment: every character a YAML reader (or a
/// terminal) takes as a line break or control becomes a space, runs of
/// spaces collapse, so content cannot start a line or a key of its own.
fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_on_one_line() {
        let hostile = "Capacity\nowner: evil\r\ninjected: 1\u{85}x\u{2028}y\u{2029}z\t\u{1b}[31m";
        let line = one_line(hostile);
        assert_eq!(line, "Capacity owner: evil injected: 1 x y z [31m");
        assert!(!line.chars().any(char::is_control));
    }
}
