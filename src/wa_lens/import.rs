//! `orr import wa-lens`: a lens, read by [`super::read`], written out as
//! question banks, one `content/questions/<category>.md` per pillar.
//!
//! Every text of the lens is written as escaped plain text (it can never
//! become a heading, a link, HTML or an attribute block), every URL is an
//! `http(s)` URL, and file names come from ids made of `[a-z0-9-]` only.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::model::Level;

use super::format::{Choice, Resource};
use super::ids::{orr_id, with_prefix, Unique};
use super::read::{ReadLens, ReadPillar, ReadQuestion};
use super::text::{markdown_inline, markdown_paragraphs, one_line, safe_url};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use crate::resolve::ids::suggest_id;

/// One bank to write: `content/questions/<category>.md`.
#[derive(Debug, Clone)]
pub struct Bank {
    pub category: String,
    pub text: String,
}

/// What an import makes: the banks, and one line per id saying where it came from.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub banks: Vec<Bank>,
    pub id_lines: Vec<String>,
    /// Each question id given, with the JSON path of its question.
    pub question_ids: Vec<(String, String)>,
}

/// The banks for `lens`; ids get `prefix-` in front when a prefix is given.
/// Clashing ids are reported into `diagnostics` (against `file`).
pub fn plan(
    lens: &ReadLens,
    prefix: Option<&str>,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Plan {
    let mut plan = Plan::default();
    let mut categories = Unique::default();
    let mut questions = Unique::default();
    for (i, pillar) in lens.pillars.iter().enumerate() {
        let wanted = derived(
            &pillar.id,
            &pillar.name,
            &format!("pillar-{}", i + 1),
            prefix,
        );
        let category = claim(&mut categories, &wanted, &pillar.path, file, diagnostics);
        plan.id_lines.push(format!(
            "category {category} <- {} (pillar id `{}`)",
            pillar.path,
            one_line(&pillar.id).escape_debug()
        ));
        let mut bank = front_matter(pillar, &lens.name, i);
        for (j, read) in pillar.questions.iter().enumerate() {
            let q = &read.question;
            let fallback = format!("{category}-q{}", j + 1);
            let wanted = derived(&q.id, &q.title, &fallback, prefix);
            let id = claim(&mut questions, &wanted, &read.path, file, diagnostics);
            plan.id_lines.push(format!(
                "question {id} ({}) <- {} (question id `{}`)",
                level_name(read.level),
                read.path,
                one_line(&q.id).escape_debug()
            ));
            write_question(&mut bank, &id, read);
            plan.question_ids.push((id, read.path.clone()));
        }
        plan.banks.push(Bank {
            category,
            text: bank,
        });
    }
    plan
}

/// The orr id for a lens id (else for its title, else `fallback`), with the prefix.
fn derived(lens_id: &str, title: &str, fallback: &str, prefix: Option<&str>) -> String {
    let base = orr_id(lens_id)
        .or_else(|| {
            let s = suggest_id(title);
            let s: String = s.trim_matches('-').chars().take(64).collect();
            let s = s.trim_end_matches('-').to_string();
            (!s.is_empty()).then_some(s)
        })
        .unwrap_or_else(|| fallback.to_string());
    with_prefix(&base, prefix)
}

fn claim(
    ids: &mut Unique,
    wanted: &str,
    path: &str,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> String {
    let (id, changed) = ids.claim(wanted);
    if changed {
        let d = Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::file_error(
                file,
                format!("{path}.id: gives the orr id `{wanted}`, which an earlier entry already has; named `{id}` instead"),
            )
        };
        diagnostics.push(d.code(Code::LensIdClash));
    }
    id
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Required => "required",
        Level::Recommended => "recommended",
    }
}

fn front_matter(pillar: &ReadPillar, lens_name: &str, index: usize) -> String {
    let title = match one_line(&pillar.name) {
        t if t.is_empty() => one_line(&pillar.id),
        t => t,
    };
    let title = if title.is_empty() {
        format!("Pillar {}", index + 1)
    } else {
        title
    };
    let mut out = String::new();
    // A JSON string is a YAML double-quoted scalar: nothing in it can start a key.
    let _ = writeln!(out, "---");
    let _ = writeln!(
        out,
        "title: {}",
        serde_json::to_string(&title).unwrap_or_default()
    );
    let _ = writeln!(out, "order: {}", (index + 1) * 10);
    let _ = writeln!(out, "---");
    let lens = markdown_inline(lens_name);
    if lens.is_empty() {
        let _ = writeln!(out, "Imported from a Well-Architected custom lens.");
    } else {
        let _ = writeln!(
            out,
            "Imported from the Well-Architected custom lens *{lens}*."
        );
    }
    out
}

fn write_question(out: &mut String, id: &str, read: &ReadQuestion) {
    let q = &read.question;
    let title = match markdown_inline(&q.title) {
        t if t.is_empty() => markdown_inline(&q.id),
        t => t,
    };
    let title = if title.is_empty() {
        id.to_string()
    } else {
        title
    };
    let _ = writeln!(
        out,
        "\n## {title} {{#{id} level={}}}\n",
        level_name(read.level)
    );
    for paragraph in markdown_paragraphs(&q.description) {
        let _ = writeln!(out, "{paragraph}\n");
    }
    if let Some(resource) = &q.helpful_resource {
        let _ = writeln!(out, "Helpful resource: {}\n", resource_md(resource, "link"));
    }
    let practices: Vec<&Choice> = q
        .choices
        .iter()
        .filter(|c| !c.is_none_of_these() && c.id != super::export::YES_CHOICE)
        .collect();
    if !practices.is_empty() {
        let _ = writeln!(out, "Best practices:\n");
        for choice in practices {
            write_choice(out, choice);
        }
        out.push('\n');
    }
}

fn write_choice(out: &mut String, choice: &Choice) {
    let title = match markdown_inline(&choice.title) {
        t if t.is_empty() => markdown_inline(&choice.id),
        t => t,
    };
    let _ = writeln!(out, "- {title}");
    if let Some(r) = &choice.helpful_resource {
        let _ = writeln!(out, "  - {}", resource_md(r, "more"));
    }
    if let Some(r) = &choice.improvement_plan {
        let _ = writeln!(out, "  - To improve: {}", resource_md(r, "plan"));
    }
    for group in &choice.additional_resources {
        let label = if group.kind == "IMPROVEMENT_PLAN" {
            "To improve: "
        } else {
            ""
        };
        for r in &group.content {
            let _ = writeln!(out, "  - {label}{}", resource_md(r, "more"));
        }
    }
}

/// `text ([label](url))`, or the text alone, or a link alone.
fn resource_md(resource: &Resource, label: &str) -> String {
    let text = markdown_inline(&resource.display_text);
    match (resource.url.as_deref().and_then(safe_url), text.is_empty()) {
        (Some(url), true) => format!("[{label}]({url})"),
        (Some(url), false) => format!("{text} ([{label}]({url}))"),
        (None, _) => text,
    }
}

/// The planned question ids a handbook already has (outside the banks the
/// import replaces), each as a diagnostic naming where it is: an import must
/// not give a second question an id answers already key on.
pub fn clashes_with(handbook: &crate::model::Handbook, plan: &Plan, file: &str) -> Vec<Diagnostic> {
    let replaced: BTreeSet<String> = plan
        .banks
        .iter()
        .map(|b| format!("content/questions/{}.md", b.category))
        .collect();
    let mut found = Vec::new();
    for (id, path) in &plan.question_ids {
        let Some(q) = handbook
            .questions
            .iter()
            .find(|q| &q.id == id && !replaced.contains(q.place.file.as_ref()))
        else {
            continue;
        };
        let d = Diagnostic::file_error(
            file,
            format!(
                "{path}: gives the orr id `{id}`, which the handbook already has ({}:{})",
                q.place.file, q.place.line
            ),
        )
        .code(Code::LensIdClash)
        .help("import with --prefix ID so the lens's ids stay apart from the handbook's");
        found.push(d);
    }
    found
}

/// Writes the banks under `root`'s `content/questions/`. Nothing is written
/// unless every bank can be: an existing file is refused unless `force` (and
/// then only a regular file is replaced), a symbolic link always, and the
/// folder must really be inside the handbook.
pub fn write_banks(root: &Path, banks: &[Bank], force: bool) -> Result<Vec<PathBuf>, String> {
    let dir = questions_dir(root)?;
    let mut names = BTreeSet::new();
    for bank in banks {
        if !crate::resolve::ids::is_valid_id(&bank.category) || !names.insert(&bank.category) {
            return Err(format!(
                "refusing the category id `{}`",
                bank.category.escape_debug()
            ));
        }
        let path = dir.join(format!("{}.md", bank.category));
        if let Ok(meta) = std::fs::symlink_metadata(&path) {
            if meta.file_type().is_symlink() {
                return Err(format!(
                    "`{}` is a symbolic link; orr writes only regular files",
                    path.display()
                ));
            }
            if !meta.is_file() {
                return Err(format!(
                    "`{}` exists and is not a regular file",
                    path.display()
                ));
            }
            if !force {
                return Err(format!(
                    "`{}` already exists (pass --force to replace it)",
                    path.display()
                ));
            }
        }
    }
    let mut written = Vec::new();
    for bank in banks {
        let path = dir.join(format!("{}.md", bank.category));
        if std::fs::symlink_metadata(&path).is_ok() {
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot replace `{}`: {e}", path.display()))?;
        }
        crate::init::write_new_file(&path, bank.text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

/// `content/questions/` under `root`, created if missing; refused when its
/// real path (through any symlink) is not inside the handbook.
fn questions_dir(root: &Path) -> Result<PathBuf, String> {
    let real = |p: &Path| {
        std::fs::canonicalize(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))
    };
    let real_root = real(root)?;
    let content = root.join("content");
    if !real(&content)?.starts_with(&real_root) {
        return Err(format!(
            "`{}` leads outside the handbook",
            content.display()
        ));
    }
    let dir = content.join("questions");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    if !real(&dir)?.starts_with(&real_root) {
        return Err(format!("`{}` leads outside the handbook", dir.display()));
    }
    Ok(dir)
}
