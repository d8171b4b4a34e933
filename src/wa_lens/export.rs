//! `orr export wa-lens`: the handbook's banks as a custom lens that keeps to
//! the format's limits, with a warning for every text shortened and every
//! question left out.
//!
//! A category becomes a pillar (split into `<id>_2`, `<id>_3` ... past 20
//! questions), a question becomes a lens question whose id is its orr id with
//! `-` written `_` (so an import gives the same ids back), and its level
//! becomes the risk of the `default` rule: HIGH_RISK for `required`,
//! MEDIUM_RISK for `recommended`.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use crate::model::{Category, Handbook, Level, Question as OrrQuestion};

use super::format::*;
use super::ids::{lens_id, orr_id};
use super::text::{html_to_text, shorten};

/// The choice a reviewer selects when the answer is yes (import leaves it
/// out of the guidance, so a round trip does not grow it).
pub const YES_CHOICE: &str = "answered_yes";
/// The "None of these" choice (the `_no` suffix makes it one).
const NONE_CHOICE: &str = "not_yet_no";
/// Description limits tried, longest first, until the lens fits its size limit.
const DESCRIPTION_STEPS: &[usize] = &[MAX_TEXT, 1024, 512, 256, 128];

/// An exported lens: its JSON text and what had to give.
pub struct Exported {
    pub json: String,
    pub pillars: usize,
    pub questions: usize,
    pub diagnostics: Diagnostics,
}

/// The lens for `handbook`'s categories (all, or those named in `only`).
pub fn export(handbook: &Handbook, only: &[String]) -> Result<Exported, String> {
    for id in only {
        if !handbook.categories.iter().any(|c| &c.id == id) {
            let known: Vec<&str> = handbook.categories.iter().map(|c| c.id.as_str()).collect();
            return Err(format!(
                "unknown category `{}` (categories: {})",
                id.escape_debug(),
                known.join(", ")
            ));
        }
    }
    let categories: Vec<&Category> = handbook
        .categories
        .iter()
        .filter(|c| only.is_empty() || only.contains(&c.id))
        .collect();
    for &max_description in DESCRIPTION_STEPS {
        let mut diagnostics = Diagnostics::new();
        let lens = build(handbook, &categories, max_description, &mut diagnostics);
        let json = serde_json::to_string_pretty(&lens).map_err(|e| e.to_string())? + "\n";
        if json.len() <= MAX_LENS_BYTES {
            if max_description < MAX_TEXT {
                diagnostics.push(warning(
                    "content/orr.yaml",
                    format!("$: descriptions cut to {max_description} characters so the lens stays within {MAX_LENS_BYTES} bytes"),
                    Code::LensShortened,
                ));
            }
            return Ok(Exported {
                pillars: lens.pillars.len(),
                questions: lens.pillars.iter().map(|p| p.questions.len()).sum(),
                json,
                diagnostics,
            });
        }
    }
    Err(format!(
        "the lens stays over {MAX_LENS_BYTES} bytes even with short descriptions: export fewer categories with --category"
    ))
}

fn build(
    handbook: &Handbook,
    categories: &[&Category],
    max_description: usize,
    diagnostics: &mut Diagnostics,
) -> Lens {
    let mut pillars: Vec<Pillar> = Vec::new();
    let mut used_ids: Vec<String> = Vec::new();
    for category in categories {
        let file = format!("content/questions/{}.md", category.id);
        let questions: Vec<&OrrQuestion> = handbook
            .questions
            .iter()
            .filter(|q| q.category == category.id)
            .filter(|q| {
                if q.retired.is_some() {
                    diagnostics.push(at(
                        q,
                        "a retired question is not exported".to_string(),
                        Code::LensLeftOut,
                    ));
                }
                q.retired.is_none()
            })
            .collect();
        for (part, chunk) in chunks(&questions).into_iter().enumerate() {
            let path = format!("$.pillars[{}]", pillars.len());
            if pillars.len() == MAX_PILLARS {
                diagnostics.push(warning(
                    &file,
                    format!(
                        "{path}: {} of category `{}` left out: a lens holds at most {MAX_PILLARS} pillars",
                        crate::diagnostics::plural(chunk.len(), "question"),
                        category.id
                    ),
                    Code::LensLeftOut,
                ).help("export the other categories into a second lens with --category"));
                continue;
            }
            let pillar = pillar(
                category,
                part,
                chunk,
                &path,
                &mut used_ids,
                max_description,
                diagnostics,
            );
            pillars.push(pillar);
        }
    }
    let title = &handbook.config.title;
    let name = fit(title, MAX_NAME, "content/orr.yaml", "$.name", diagnostics);
    let description = match &handbook.config.bank_version {
        Some(v) => format!("The question banks of {title}, bank version {v}, exported by orr."),
        None => format!("The question banks of {title}, exported by orr."),
    };
    Lens {
        schema_version: SCHEMA_VERSION.to_string(),
        name,
        description: fit(
            &description,
            MAX_TEXT,
            "content/orr.yaml",
            "$.description",
            diagnostics,
        ),
        pillars,
    }
}

/// The questions cut into runs of at most 20; one empty run for an empty category.
fn chunks<'a>(questions: &'a [&'a OrrQuestion]) -> Vec<&'a [&'a OrrQuestion]> {
    if questions.is_empty() {
        return vec![&[]];
    }
    questions.chunks(MAX_QUESTIONS_PER_PILLAR).collect()
}

fn pillar(
    category: &Category,
    part: usize,
    questions: &[&OrrQuestion],
    path: &str,
    used_ids: &mut Vec<String>,
    max_description: usize,
    diagnostics: &mut Diagnostics,
) -> Pillar {
    let file = format!("content/questions/{}.md", category.id);
    let mut id = if part == 0 {
        lens_id(&category.id)
    } else {
        lens_id(&format!("{}-{}", category.id, part + 1))
    };
    while used_ids.contains(&id) {
        id = lens_id(&format!("{}-x", orr_id(&id).unwrap_or_default()));
    }
    used_ids.push(id.clone());
    let name = if part == 0 {
        category.title.clone()
    } else {
        format!("{} (part {})", category.title, part + 1)
    };
    if part == 1 {
        diagnostics.push(warning(
            &file,
            format!("{path}: the category has more than {MAX_QUESTIONS_PER_PILLAR} questions, the most a pillar holds; split into pillars `{}`, `{id}`, ...", lens_id(&category.id)),
            Code::LensLeftOut,
        ));
    }
    Pillar {
        id,
        name: fit(&name, MAX_NAME, &file, &format!("{path}.name"), diagnostics),
        questions: questions
            .iter()
            .enumerate()
            .map(|(j, q)| {
                question(
                    q,
                    &format!("{path}.questions[{j}]"),
                    max_description,
                    diagnostics,
                )
            })
            .collect(),
    }
}

fn question(
    q: &OrrQuestion,
    path: &str,
    max_description: usize,
    diagnostics: &mut Diagnostics,
) -> Question {
    let id = lens_id(&q.id);
    if orr_id(&id).as_deref() != Some(q.id.as_str()) {
        diagnostics.push(at(
            q,
            format!(
                "{path}.id: the lens id `{id}` will not read back as `{}`",
                q.id
            ),
            Code::LensShortened,
        ));
    }
    let title = fit_question(q, &q.title, MAX_NAME, &format!("{path}.title"), diagnostics);
    let guidance = html_to_text(&q.guidance_html);
    let guidance = if guidance.is_empty() {
        q.title.clone()
    } else {
        guidance
    };
    let description = fit_question(
        q,
        &guidance,
        max_description,
        &format!("{path}.description"),
        diagnostics,
    );
    let default_risk = match q.level {
        Level::Required => "HIGH_RISK",
        Level::Recommended => "MEDIUM_RISK",
    };
    Question {
        id,
        title,
        description,
        helpful_resource: None,
        choices: vec![
            Choice {
                id: YES_CHOICE.to_string(),
                title: "Yes, and the answer links its evidence".to_string(),
                improvement_plan: Some(Resource {
                    display_text: format!("Follow the guidance of question {} of the readiness handbook and link the evidence.", q.id),
                    url: None,
                }),
                ..Choice::default()
            },
            Choice {
                id: NONE_CHOICE.to_string(),
                title: "None of these".to_string(),
                ..Choice::default()
            },
        ],
        risk_rules: vec![
            RiskRule {
                condition: YES_CHOICE.to_string(),
                risk: "NO_RISK".to_string(),
            },
            RiskRule {
                condition: "default".to_string(),
                risk: default_risk.to_string(),
            },
        ],
    }
}

/// `text` within `max`, with a warning at the question when it had to be cut.
fn fit_question(
    q: &OrrQuestion,
    text: &str,
    max: usize,
    path: &str,
    diagnostics: &mut Diagnostics,
) -> String {
    match shorten(text, max) {
        None => text.to_string(),
        Some(cut) => {
            diagnostics.push(at(
                q,
                shortened_message(path, text, max),
                Code::LensShortened,
            ));
            cut
        }
    }
}

/// `text` within `max`, with a warning against `file` when it had to be cut.
fn fit(text: &str, max: usize, file: &str, path: &str, diagnostics: &mut Diagnostics) -> String {
    match shorten(text, max) {
        None => text.to_string(),
        Some(cut) => {
            diagnostics.push(warning(
                file,
                shortened_message(path, text, max),
                Code::LensShortened,
            ));
            cut
        }
    }
}

fn shortened_message(path: &str, text: &str, max: usize) -> String {
    format!(
        "{path}: shortened from {} to {max} characters, the lens format's limit",
        text_len(text)
    )
}

fn at(q: &OrrQuestion, message: String, code: Code) -> Diagnostic {
    Diagnostic::at_place(Severity::Warning, &q.place, message).code(code)
}

fn warning(file: &str, message: String, code: Code) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        ..Diagnostic::file_error(file, message)
    }
    .code(code)
}
