//! Questions: level-2 headings with an `{#id key=value}` attribute block, from
//! the banks and from postmortems, checked and put in checklist order.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::Date;

use super::ids::{bad_id, column_of, is_valid_id};
use super::{par_docs, PostmortemQuestion, Renderer};
use crate::config::Config;
use crate::date::parse_date;
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::load::markdown::{Heading, Section};
use crate::load::Sources;
use crate::model::{Category, Level, Question};
use crate::source::SourceFile;

const BANK_ATTRS: &[&str] = &[
    "level", "applies", "tiers", "concepts", "since", "retired", "revised",
];
const POSTMORTEM_ATTRS: &[&str] = &[
    "category", "level", "applies", "tiers", "concepts", "since", "retired", "revised",
];

/// What the checks of one question need to know about the rest of the handbook.
struct Known<'a> {
    config: &'a Config,
    concepts: &'a BTreeSet<&'a str>,
    categories: BTreeSet<&'a str>,
}

/// All questions, in checklist order; duplicate ids are reported.
pub(crate) fn collect(
    sources: &Sources,
    categories: &[Category],
    from_postmortems: &[PostmortemQuestion],
    config: &Config,
    concepts: &BTreeSet<&str>,
    renderer: &Renderer,
    diags: &mut Diagnostics,
) -> Vec<Question> {
    let known = Known {
        config,
        concepts,
        categories: categories.iter().map(|c| c.id.as_str()).collect(),
    };
    let mut questions: Vec<Question> = par_docs(&sources.banks, diags, |d, local| {
        let mut out = Vec::new();
        for section in d.sections.iter().skip(1) {
            let Some(heading) = &section.heading else { continue };
            if heading.id.is_none() {
                let (line, _) = d.source.line_col(heading.offset);
                if malformed_block_id(&heading.text).is_some() {
                    local.push(malformed_block(&d.source, line));
                    continue;
                }
                let id = format!("{}-{}", d.stem, super::ids::suggest_id(&heading.text).split('-').take(4).collect::<Vec<_>>().join("-"));
                local.push(
                    Diagnostic::error(&d.source, line, 1, "this level-2 heading has no id, so nobody can answer it").code(crate::diagnostics::Code::QuestionWithoutId)
                        .span(d.source.line_text(line).chars().count())
                        .help(format!("end the heading with an id, e.g. `{{#{id}}}`; use `###` for a heading that is not a question")),
                );
                continue;
            }
            out.extend(question(&d.source, heading, section, &d.stem, None, None, BANK_ATTRS, &known, renderer, local));
        }
        Some(out)
    })
    .into_iter()
    .flatten()
    .collect();

    let mut added: Vec<Question> = par_docs(from_postmortems, diags, |pq, local| {
        let heading = pq.section.heading.as_ref()?;
        let category = heading
            .attrs
            .iter()
            .find(|(k, _)| k == "category")
            .and_then(|(_, v)| v.clone());
        let Some(category) = category else {
            let (line, _) = pq.doc.source.line_col(heading.offset);
            local.push(
                Diagnostic::error(
                    &pq.doc.source,
                    line,
                    column_of(&pq.doc.source, line, "{#", 1),
                    "a question added by a postmortem needs `category=`",
                )
                .code(crate::diagnostics::Code::MissingCategory)
                .help(format!(
                    "name the bank it joins, e.g. `category={}`",
                    known
                        .categories
                        .iter()
                        .next()
                        .copied()
                        .unwrap_or("capacity")
                )),
            );
            return None;
        };
        question(
            &pq.doc.source,
            heading,
            pq.section,
            &category,
            Some(&pq.postmortem),
            pq.date,
            POSTMORTEM_ATTRS,
            &known,
            renderer,
            local,
        )
    });
    added.sort_by(|a, b| (a.since, &a.id).cmp(&(b.since, &b.id)));

    // Checklist order: by category, the bank's own questions first, then what postmortems added.
    let order: BTreeMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    questions.extend(added);
    let mut indexed: Vec<(usize, usize, Question)> = questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            (
                order
                    .get(q.category.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
                i,
                q,
            )
        })
        .collect();
    indexed.sort_by_key(|(c, i, _)| (*c, *i));
    let questions: Vec<Question> = indexed.into_iter().map(|(_, _, q)| q).collect();

    let mut first: BTreeMap<&str, &Question> = BTreeMap::new();
    let mut duplicates = Vec::new();
    for q in &questions {
        if let Some(prev) = first.insert(&q.id, q) {
            // The bank's question is the original; a postmortem re-adding its id is the mistake.
            let order = |x: &Question| (x.origin.is_some(), x.place.file.clone(), x.place.line);
            let (earlier, later) = if order(prev) <= order(q) {
                (prev, q)
            } else {
                (q, prev)
            };
            duplicates.push(
                Diagnostic::at_place(
                    crate::diagnostics::Severity::Error,
                    &later.place,
                    format!("question id `{}` is already used", q.id),
                )
                .code(crate::diagnostics::Code::DuplicateQuestionId)
                .help(format!(
                    "first defined at {}:{}; ids are unique across all banks and postmortems",
                    earlier.place.file, earlier.place.line
                )),
            );
        }
    }
    diags.extend(duplicates);
    let mut seen = BTreeSet::new();
    questions
        .into_iter()
        .filter(|q| seen.insert(q.id.clone()))
        .collect()
}

/// One question from its heading; `None` when its id is unusable.
#[allow(clippy::too_many_arguments)]
fn question(
    source: &Arc<SourceFile>,
    heading: &Heading,
    section: &Section,
    category: &str,
    origin: Option<&str>,
    origin_date: Option<Date>,
    allowed: &[&str],
    known: &Known,
    renderer: &Renderer,
    local: &mut Vec<Diagnostic>,
) -> Option<Question> {
    let (line, _) = source.line_col(heading.offset);
    let col = |needle: &str| column_of(source, line, needle, 1);
    // The attribute block as written, token by token with columns; pulldown-cmark's
    // parse (which keeps only the last id and merges repeats) is the fallback.
    let tokens = attribute_tokens(source.line_text(line)).unwrap_or_else(|| {
        let mut t: Vec<(usize, String)> = heading
            .id
            .iter()
            .map(|id| (col(&format!("#{id}")), format!("#{id}")))
            .collect();
        t.extend(
            heading
                .classes
                .iter()
                .map(|c| (col(&format!(".{c}")), format!(".{c}"))),
        );
        t.extend(heading.attrs.iter().map(|(k, v)| {
            (
                col(&format!("{k}=")),
                format!("{k}={}", v.as_deref().unwrap_or("")),
            )
        }));
        t
    });
    let ids: Vec<&(usize, String)> = tokens.iter().filter(|(_, t)| t.starts_with('#')).collect();
    let (id_column, id) = match ids.first() {
        Some((column, token)) => (*column, token[1..].to_string()),
        None => (col("{"), heading.id.clone()?),
    };
    for (column, token) in ids.iter().skip(1) {
        local.push(
            Diagnostic::error(
                source,
                line,
                *column,
                format!("a second id `{token}` for question `{id}`"),
            )
            .code(crate::diagnostics::Code::SecondQuestionId)
            .help("a question has exactly one id: keep the one its answers use"),
        );
    }
    if !is_valid_id(&id) {
        local.push(bad_id(source, line, id_column + 1, "question id", &id));
        return None;
    }
    let mut q = Question {
        id,
        category: category.to_string(),
        title: heading.text.clone(),
        level: Level::Required,
        applies: Vec::new(),
        tiers: Vec::new(),
        concepts: Vec::new(),
        since: origin_date,
        retired: None,
        origin: origin.map(str::to_string),
        revised: None,
        guidance_html: String::new(),
        place: source.place(line, id_column.saturating_sub(1).max(1)),
    };
    let mut seen_keys: Vec<&str> = Vec::new();
    for (at, token) in tokens.iter().filter(|(_, t)| !t.starts_with('#')) {
        let at = *at;
        if let Some(class) = token.strip_prefix('.') {
            local.push(
                Diagnostic::error(source, line, at, format!("unknown attribute `.{class}`"))
                    .code(crate::diagnostics::Code::UnknownAttribute)
                    .help(format!("question attributes are {}", allowed.join(", "))),
            );
            continue;
        }
        let (key, value) = match token.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (token.as_str(), None),
        };
        if !allowed.contains(&key) {
            let mut d = Diagnostic::error(source, line, at, format!("unknown attribute `{key}`"))
                .code(crate::diagnostics::Code::UnknownAttribute);
            d = match did_you_mean(key, allowed.iter().copied()) {
                Some(mean) => d.help(mean),
                None => d.help(format!("question attributes are {}", allowed.join(", "))),
            };
            local.push(d);
            continue;
        }
        if seen_keys.contains(&key) {
            local.push(
                Diagnostic::error(
                    source,
                    line,
                    at,
                    format!("attribute `{key}` is given twice"),
                )
                .code(crate::diagnostics::Code::DuplicateAttribute)
                .help("give each attribute once; a comma list holds several values"),
            );
        }
        seen_keys.push(key);
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            local.push(
                Diagnostic::error(source, line, at, format!("attribute `{key}` has no value"))
                    .code(crate::diagnostics::Code::AttributeWithoutValue)
                    .help(format!("write `{key}=...`")),
            );
            continue;
        };
        // Column of the value, and of an item of a comma list within it.
        let value_at = at + key.chars().count() + 1;
        let item_at = |item: &str| {
            value
                .find(item)
                .map_or(value_at, |i| value_at + value[..i].chars().count())
        };
        let key = key.to_string();
        let list = || {
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        match key.as_str() {
            "level" => match value {
                "required" => q.level = Level::Required,
                "recommended" => q.level = Level::Recommended,
                other => local.push(
                    Diagnostic::error(source, line, value_at, format!("unknown level `{other}`"))
                        .code(crate::diagnostics::Code::UnknownLevel)
                        .help("a level is `required` (blocks go) or `recommended`"),
                ),
            },
            "applies" => {
                for tag in list() {
                    if !known.config.knows_tag(&tag) {
                        let mut d = Diagnostic::error(
                            source,
                            line,
                            item_at(&tag),
                            format!("unknown tag `{tag}` in `applies`"),
                        )
                        .code(crate::diagnostics::Code::UnknownTag);
                        d = match did_you_mean(&tag, known.config.tags.keys().map(String::as_str)) {
                            Some(mean) => d.help(mean),
                            None => d.help("declare the tag under `tags:` in content/orr.yaml"),
                        };
                        local.push(d);
                    } else {
                        q.applies.push(tag);
                    }
                }
            }
            "tiers" => {
                for tier in list() {
                    match tier.parse::<u8>() {
                        Ok(t @ 1..=4) if !q.tiers.contains(&t) => q.tiers.push(t),
                        Ok(t @ 1..=4) => local.push(
                            Diagnostic::error(
                                source,
                                line,
                                item_at(&tier),
                                format!("tier {t} is listed twice"),
                            )
                            .code(crate::diagnostics::Code::InvalidAttributeValue),
                        ),
                        _ => local.push(
                            Diagnostic::error(
                                source,
                                line,
                                item_at(&tier),
                                format!("unknown tier `{tier}` in `tiers`"),
                            )
                            .code(crate::diagnostics::Code::InvalidAttributeValue)
                            .help("tiers are 1 (most critical) to 4, e.g. `tiers=1,2`"),
                        ),
                    }
                }
                q.tiers.sort_unstable();
            }
            "concepts" => {
                for concept in list() {
                    if !known.concepts.contains(concept.as_str()) {
                        let mut d = Diagnostic::error(
                            source,
                            line,
                            item_at(&concept),
                            format!("unknown concept `{concept}`"),
                        )
                        .code(crate::diagnostics::Code::UnknownConcept);
                        d = match did_you_mean(&concept, known.concepts.iter().copied()) {
                            Some(mean) => d.help(mean),
                            None => d.help("concepts are the file names of content/concepts/*.md"),
                        };
                        local.push(d);
                    } else {
                        q.concepts.push(concept);
                    }
                }
            }
            // A bank version label, compared with `n/a` answers' `bank_version` in analyze.
            "revised" => q.revised = Some(value.trim().to_string()),
            "since" | "retired" => match parse_date(value) {
                Ok(date) if key == "since" => q.since = Some(date),
                Ok(date) => q.retired = Some(date),
                Err(e) => local.push(
                    Diagnostic::error(source, line, value_at, format!("attribute `{key}`: {e}"))
                        .code(crate::diagnostics::Code::InvalidAttributeValue),
                ),
            },
            "category" if !known.categories.contains(value) => {
                let mut d = Diagnostic::error(
                    source,
                    line,
                    value_at,
                    format!("unknown category `{value}`"),
                )
                .code(crate::diagnostics::Code::UnknownCategory);
                d = match did_you_mean(value, known.categories.iter().copied()) {
                    Some(mean) => d.help(mean),
                    None => d.help("categories are the file names of content/questions/*.md"),
                };
                local.push(d);
                return None;
            }
            _ => {}
        }
    }
    if let (Some(since), Some(retired)) = (q.since, q.retired) {
        if retired < since {
            local.push(
                Diagnostic::error(
                    source,
                    line,
                    col("retired="),
                    format!(
                        "question `{}` is retired ({retired}) before it was added ({since})",
                        q.id
                    ),
                )
                .code(crate::diagnostics::Code::RetiredBeforeAdded),
            );
        }
    }
    q.guidance_html = renderer.render(source, section.body(), local);
    Some(q)
}

/// The tokens of the `{...}` block that ends a heading line, with their
/// 1-based columns; `None` when the line does not end with such a block.
fn attribute_tokens(line: &str) -> Option<Vec<(usize, String)>> {
    let trimmed = line.trim_end();
    let inner_end = trimmed.strip_suffix('}')?.len();
    let open = trimmed[..inner_end].rfind('{')?;
    let inner = &trimmed[open + 1..inner_end];
    let mut tokens = Vec::new();
    let mut offset = open + 1;
    for part in inner.split(' ') {
        if !part.trim().is_empty() {
            let lead = part.len() - part.trim_start().len();
            tokens.push((
                line[..offset + lead].chars().count() + 1,
                part.trim().to_string(),
            ));
        }
        offset += part.len() + 1;
    }
    Some(tokens)
}

/// Ids of questions whose heading's attribute block is malformed: already
/// reported there, so answers to them are not reported again as unknown.
pub(crate) fn malformed_ids(sources: &Sources) -> BTreeSet<String> {
    let banks = sources.banks.iter().flat_map(|d| d.sections.iter().skip(1));
    let postmortems = sources.postmortems.iter().flat_map(|d| d.sections.iter());
    banks
        .chain(postmortems)
        .filter_map(|s| s.heading.as_ref())
        .filter(|h| h.id.is_none())
        .filter_map(|h| malformed_block_id(&h.text))
        .collect()
}

/// For a heading whose `{#...}` block pulldown-cmark could not read: the id it meant.
pub(crate) fn malformed_block_id(heading_text: &str) -> Option<String> {
    let start = heading_text.find("{#")? + 2;
    let id: String = heading_text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '}' && *c != '{')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// The error for a heading whose attribute block is malformed.
pub(crate) fn malformed_block(source: &SourceFile, line: usize) -> Diagnostic {
    let column = column_of(source, line, "{#", 1);
    Diagnostic::error(source, line, column, "this heading's attribute block `{#...}` is malformed, so its question cannot be read").code(crate::diagnostics::Code::MalformedAttributeBlock)
        .help("end the heading with one block `{#id key=value ...}`: closed with `}`, without nested braces")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_the_attribute_block_carry_their_columns() {
        let line = "## Is it measured? {#cap-a level=required  applies=x,y}";
        let tokens = attribute_tokens(line).unwrap();
        let shown: Vec<(usize, &str)> = tokens.iter().map(|(c, t)| (*c, t.as_str())).collect();
        assert_eq!(
            shown,
            vec![(21, "#cap-a"), (28, "level=required"), (44, "applies=x,y")]
        );
        assert!(attribute_tokens("## No block here").is_none());
        assert!(attribute_tokens("## Unclosed {#a level=x").is_none());
    }

    #[test]
    fn the_id_of_a_malformed_block_is_recovered() {
        assert_eq!(
            malformed_block_id("Is it? {#cap-a level=required").as_deref(),
            Some("cap-a")
        );
        assert_eq!(
            malformed_block_id("Is it? {#cap-a {level=x}}").as_deref(),
            Some("cap-a")
        );
        assert_eq!(malformed_block_id("Plain prose"), None);
    }
}
