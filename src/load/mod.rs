//! Stage 1, load: find the handbook's files, read them, split front matter,
//! parse YAML and Markdown. Nothing is cross-checked yet.
//!
//! Discovery goes through the `ignore` crate, so `.gitignore`, `.ignore` and
//! hidden files are honoured; symbolic links are followed only inside the
//! handbook (see `walk.rs`). Files are parsed in parallel; the result is
//! sorted by path, so the order of discovery never shows in the output.

pub mod describe;
pub mod frontmatter;
pub mod json_schema;
pub mod markdown;
mod memory;
pub mod quick_answers;
mod quick_value;
pub mod raw;
pub mod schema;
mod walk;
pub mod yaml;
pub mod yaml_budget;
pub mod yaml_locate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::source::SourceFile;
use markdown::Section;
pub use memory::{load_set, FileSet};
use raw::{BankFront, ChapterFront, ConceptFront, PostmortemFront, ProseFront, ServiceRaw};
use walk::walk;

/// A Markdown document: its source, its parsed front matter and its sections.
#[derive(Debug, Clone)]
pub struct MarkdownDoc<F> {
    /// Shared with every [`crate::source::Place`] made in it.
    pub source: Arc<SourceFile>,
    /// Path under its folder without `.md`: `capacity`, or `guides/runbooks` for nested chapters.
    pub stem: String,
    pub front: F,
    pub sections: Vec<Section>,
}

/// A YAML document and its source.
#[derive(Debug, Clone)]
pub struct YamlDoc<T> {
    /// Shared with every [`crate::source::Place`] made in it.
    pub source: Arc<SourceFile>,
    pub stem: String,
    pub doc: T,
}

/// A service file parsed, with the byte offset of each answer's key when
/// the answers were read apart (in the order of `answers`, by id).
pub struct ServiceDoc {
    pub yaml: YamlDoc<ServiceRaw>,
    pub answer_keys: Option<Vec<usize>>,
}

/// A service file read but not yet parsed: it is parsed where it is
/// resolved, against the questions, and dropped right after, so the parsed
/// files of a large organisation are never all in memory at once.
#[derive(Debug, Clone)]
pub struct ServiceFile {
    pub source: Arc<SourceFile>,
    pub stem: String,
}

impl ServiceFile {
    /// Reads the file in one pass into its typed struct, checking its shape
    /// on the way, so every unknown key and wrong type in the file is
    /// reported in one run. A syntax error (or a limit passed) drops the file.
    pub fn parse(&self, diags: &mut Vec<Diagnostic>) -> Option<ServiceDoc> {
        match yaml::read_service(&self.source) {
            Ok(mut read) => {
                diags.append(&mut read.reports);
                Some(ServiceDoc {
                    yaml: YamlDoc {
                        source: Arc::clone(&self.source),
                        stem: self.stem.clone(),
                        doc: read.raw,
                    },
                    answer_keys: read.answer_keys,
                })
            }
            Err(d) => {
                diags.push(d);
                None
            }
        }
    }
}

/// Everything read from a handbook directory.
#[derive(Debug, Default)]
pub struct Sources {
    pub config: Config,
    pub config_source: Option<SourceFile>,
    pub chapters: Vec<MarkdownDoc<ChapterFront>>,
    pub banks: Vec<MarkdownDoc<BankFront>>,
    pub postmortems: Vec<MarkdownDoc<PostmortemFront>>,
    pub concepts: Vec<MarkdownDoc<ConceptFront>>,
    /// Parsed by `resolve`, one at a time per thread (see [`ServiceFile`]).
    pub services: Vec<ServiceFile>,
    pub service_prose: Vec<MarkdownDoc<ProseFront>>,
    /// Names of every service file, including ones that failed to parse, so they are still known.
    pub service_names: Vec<String>,
    /// Template overrides: name under `templates/` and source.
    pub templates: Vec<SourceFile>,
    /// Static files: path under `assets/` and bytes.
    pub assets: Vec<(String, Vec<u8>)>,
}

impl Sources {
    /// Every content file whose [`crate::source::Place`]s quote it: holding
    /// these keeps the quotes (see [`crate::source::Place`]).
    pub fn texts(&self) -> Vec<Arc<SourceFile>> {
        fn of<F>(docs: &[MarkdownDoc<F>]) -> impl Iterator<Item = Arc<SourceFile>> + '_ {
            docs.iter().map(|d| Arc::clone(&d.source))
        }
        of(&self.chapters)
            .chain(of(&self.banks))
            .chain(of(&self.postmortems))
            .chain(of(&self.concepts))
            .chain(of(&self.service_prose))
            .chain(self.services.iter().map(|f| Arc::clone(&f.source)))
            .collect()
    }

    /// Files one parsed file where it belongs.
    pub(crate) fn file(&mut self, parsed: Parsed) {
        match parsed {
            Parsed::Config(config, source) => {
                self.config = config;
                self.config_source = Some(source);
            }
            Parsed::Chapter(d) => self.chapters.push(d),
            Parsed::Bank(d) => self.banks.push(d),
            Parsed::Postmortem(d) => self.postmortems.push(d),
            Parsed::Concept(d) => self.concepts.push(d),
            Parsed::Service(d) => self.services.push(d),
            Parsed::ServiceProse(d) => self.service_prose.push(d),
        }
    }
}

/// What a file under `content/` is, from where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Config,
    Chapter,
    Bank,
    Postmortem,
    Concept,
    Service,
    ServiceProse,
}

#[derive(Clone)]
pub(crate) enum Parsed {
    Config(Config, SourceFile),
    Chapter(MarkdownDoc<ChapterFront>),
    Bank(MarkdownDoc<BankFront>),
    Postmortem(MarkdownDoc<PostmortemFront>),
    Concept(MarkdownDoc<ConceptFront>),
    Service(ServiceFile),
    ServiceProse(MarkdownDoc<ProseFront>),
}

impl Parsed {
    /// The text of the file it was parsed from.
    pub(crate) fn text(&self) -> &str {
        match self {
            Parsed::Config(_, source) => &source.text,
            Parsed::Chapter(doc) => &doc.source.text,
            Parsed::Bank(doc) => &doc.source.text,
            Parsed::Postmortem(doc) => &doc.source.text,
            Parsed::Concept(doc) => &doc.source.text,
            Parsed::Service(file) => &file.source.text,
            Parsed::ServiceProse(doc) => &doc.source.text,
        }
    }
}

/// How one file's text becomes a [`Parsed`]: [`parse_file`], or a memo of
/// it that reuses the result for unchanged text (`orr serve`). It gets the
/// path the file is shown by and its text, and makes the [`SourceFile`]
/// (its line index) only if it parses the text.
pub(crate) type ParseFn<'a> =
    dyn Fn(Kind, &str, FileText, &mut Vec<Diagnostic>) -> Option<Parsed> + Sync + 'a;

/// A file as read: the path it is shown by, and its text.
pub(crate) struct FileText {
    pub shown: String,
    pub text: String,
}

impl FileText {
    pub(crate) fn into_source(self) -> SourceFile {
        SourceFile::new(self.shown, self.text)
    }
}

/// Reads the handbook under `root`. Problems are pushed to `diags`; what could be read is returned.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Sources {
    load_with(root, diags, &|kind, rel, file, local| {
        parse_file(kind, rel, file.into_source(), local)
    })
}

/// [`load`], each file's text parsed by `parse`.
pub(crate) fn load_with(root: &Path, diags: &mut Diagnostics, parse: &ParseFn) -> Sources {
    let content = root.join("content");
    let mut sources = Sources::default();
    let mut files: Vec<(Kind, String, PathBuf)> = Vec::new();
    for (rel, abs) in walk(&content, diags, root) {
        match classify(&rel) {
            Ok(kind) => files.push((kind, rel, abs)),
            Err(hint) => diags.push(crate::diagnostics::Diagnostic {
                severity: crate::diagnostics::Severity::Warning,
                ..Diagnostic::file_error(&format!("content/{rel}"), format!("ignored: {hint}"))
                    .code(crate::diagnostics::Code::IgnoredFile)
            }),
        }
    }

    sources.service_names = files
        .iter()
        .filter(|(k, _, _)| *k == Kind::Service)
        .map(|(_, rel, _)| stem_of(rel))
        .collect();
    let results: Vec<(Option<Parsed>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|(kind, rel, abs)| {
            let mut local = Vec::new();
            let parsed = read_text(root, abs, &mut local)
                .and_then(|file| parse(*kind, rel, file, &mut local));
            (parsed, local)
        })
        .collect();

    for (parsed, local) in results {
        diags.extend(local);
        if let Some(parsed) = parsed {
            sources.file(parsed);
        }
    }

    for (rel, abs) in walk(&root.join("templates"), diags, root) {
        let mut local = Vec::new();
        if let Some(mut source) = read_source(root, &abs, &mut local) {
            source.path = format!("templates/{rel}");
            sources.templates.push(source);
        }
        diags.extend(local);
    }
    for (rel, abs) in walk(&root.join("assets"), diags, root) {
        match std::fs::read(&abs) {
            Ok(bytes) => sources.assets.push((rel, bytes)),
            Err(e) => diags.push(
                Diagnostic::file_error(&format!("assets/{rel}"), format!("cannot read: {e}"))
                    .code(crate::diagnostics::Code::FileUnreadable),
            ),
        }
    }
    sources
}

fn classify(rel: &str) -> Result<Kind, String> {
    let (dir, name) = rel.split_once('/').unwrap_or(("", rel));
    let nested = name.contains('/');
    match (dir, name) {
        ("", "orr.yaml") => Ok(Kind::Config),
        ("handbook", n) if n.ends_with(".md") => Ok(Kind::Chapter),
        ("questions", n) if n.ends_with(".md") && !nested => Ok(Kind::Bank),
        ("postmortems", n) if n.ends_with(".md") && !nested => Ok(Kind::Postmortem),
        ("concepts", n) if n.ends_with(".md") && !nested => Ok(Kind::Concept),
        ("services", n) if n.ends_with(".yaml") && !nested => Ok(Kind::Service),
        ("services", n) if n.ends_with(".md") && !nested => Ok(Kind::ServiceProse),
        ("services", n) if n.ends_with(".yml") => Err("service files end in `.yaml`; rename it".to_string()),
        ("", "orr.yml") => Err("the settings file is `content/orr.yaml`; rename it".to_string()),
        _ => Err("not part of the handbook format (handbook/, questions/, postmortems/, services/, concepts/, orr.yaml)".to_string()),
    }
}

fn read_source(root: &Path, abs: &Path, diags: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    read_text(root, abs, diags).map(FileText::into_source)
}

/// The text of `abs`, checked to be UTF-8 (a leading BOM left out), and the
/// path under `root` it is shown by.
fn read_text(root: &Path, abs: &Path, diags: &mut Vec<Diagnostic>) -> Option<FileText> {
    let shown = abs
        .strip_prefix(root)
        .unwrap_or(abs)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    match read_capped(abs, &shown, diags) {
        Some(bytes) => match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.remove(0);
                }
                Some(FileText { shown, text })
            }
            Err(e) => {
                diags.push(utf8_error(
                    &shown,
                    e.as_bytes(),
                    e.utf8_error().valid_up_to(),
                ));
                None
            }
        },
        None => None,
    }
}

/// The bytes of `abs`, or `None` after a diagnostic when it cannot be read or
/// is larger than its limit (read no further than the limit, so a huge file
/// costs nothing).
fn read_capped(abs: &Path, shown: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let yaml = abs.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let (limit, name) = if yaml {
        (crate::limits::MAX_YAML_FILE_BYTES, "MAX_YAML_FILE_BYTES")
    } else {
        (
            crate::limits::MAX_MARKDOWN_FILE_BYTES,
            "MAX_MARKDOWN_FILE_BYTES",
        )
    };
    let mut bytes = Vec::new();
    // Reserved at the file's size (up to the limit), so the text kept for
    // diagnostics is not padded by read_to_end's doubling.
    let read = std::fs::File::open(abs).and_then(|file| {
        let size = file.metadata().map_or(0, |m| m.len()).min(limit + 1);
        bytes.reserve_exact(usize::try_from(size).unwrap_or(0));
        file.take(limit + 1).read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        diags.push(
            Diagnostic::file_error(shown, format!("cannot read: {e}"))
                .code(crate::diagnostics::Code::FileUnreadable),
        );
        return None;
    }
    if bytes.len() as u64 > limit {
        let mut d = Diagnostic::file_error(
            shown,
            format!("this file is larger than {}", crate::limits::mib(limit)),
        )
        .code(crate::diagnostics::Code::FileTooLarge)
        .help(format!(
            "split it into smaller files (limit: {}, {name})",
            crate::limits::mib(limit)
        ));
        (d.line, d.column) = (1, 1);
        diags.push(d);
        return None;
    }
    Some(bytes)
}

/// "not valid UTF-8" at the first bad byte: the valid prefix gives its line and column.
pub(crate) fn utf8_error(shown: &str, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let valid = &bytes[..valid_up_to];
    let start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| start + i);
    let mut d = Diagnostic::file_error(shown, "not valid UTF-8 text")
        .code(crate::diagnostics::Code::NotUtf8)
        .help("save the file as UTF-8");
    d.line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    d.column = String::from_utf8_lossy(&valid[start..]).chars().count() + 1;
    d.source_line = Some(String::from_utf8_lossy(&bytes[start..end]).into_owned());
    d
}

pub(crate) fn stem_of(rel: &str) -> String {
    let without_dir = rel.split_once('/').map_or(rel, |(_, n)| n);
    without_dir
        .rsplit_once('.')
        .map_or(without_dir, |(s, _)| s)
        .to_string()
}

pub(crate) fn parse_file(
    kind: Kind,
    rel: &str,
    source: SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> Option<Parsed> {
    let stem = stem_of(rel);
    match kind {
        Kind::Config => {
            let parsed = yaml::parse::<Config>(&source, &source.text, 1);
            match parsed {
                Ok(mut config) => {
                    if config.bank_version.is_some() {
                        let (line, _) = yaml_locate::locate(
                            &source.text,
                            &[yaml_locate::Seg::Key("bank_version")],
                        );
                        config.bank_version = config
                            .bank_version
                            .map(|v| yaml::number_as_written(&source.text, line, v));
                    }
                    Some(Parsed::Config(config, source))
                }
                Err(d) => {
                    diags.push(d);
                    Some(Parsed::Config(
                        Config {
                            unparsed: true,
                            ..Config::default()
                        },
                        source,
                    ))
                }
            }
        }
        Kind::Service => Some(Parsed::Service(ServiceFile {
            source: Arc::new(source),
            stem,
        })),
        Kind::Chapter => {
            let fallback = ChapterFront {
                title: stem.clone(),
                weight: 0,
            };
            markdown_doc(source, stem, false, Some(fallback), diags).map(Parsed::Chapter)
        }
        Kind::Bank => {
            let fallback = BankFront {
                title: stem.clone(),
                order: i64::MAX,
                asks: String::new(),
            };
            markdown_doc(source, stem, true, Some(fallback), diags).map(Parsed::Bank)
        }
        // A postmortem's id and date cannot be guessed: it is left out until fixed.
        Kind::Postmortem => markdown_doc(source, stem, true, None, diags).map(Parsed::Postmortem),
        Kind::Concept => {
            let fallback = ConceptFront {
                title: stem.clone(),
                group: String::new(),
                links: Vec::new(),
            };
            markdown_doc(source, stem, false, Some(fallback), diags).map(Parsed::Concept)
        }
        Kind::ServiceProse => {
            markdown_doc(source, stem, false, Some(ProseFront {}), diags).map(Parsed::ServiceProse)
        }
    }
}

/// Parses a Markdown document. When its front matter is wrong and a `fallback`
/// is given, the error is reported and the document kept with the fallback, so
/// what it holds (a bank's questions, a link target) does not vanish and cause
/// a second error everywhere it is used.
fn markdown_doc<F: DeserializeOwned>(
    source: SourceFile,
    stem: String,
    split_h2: bool,
    fallback: Option<F>,
    diags: &mut Vec<Diagnostic>,
) -> Option<MarkdownDoc<F>> {
    let split = match frontmatter::split(&source.text) {
        Ok(split) => split,
        Err(line) => {
            diags.push(
                Diagnostic::error(&source, line, 1, "front matter is not closed")
                    .code(crate::diagnostics::Code::FrontMatterUnclosed)
                    .help("end the YAML block with a line holding only `---`"),
            );
            return None;
        }
    };
    let front_text = split.front.unwrap_or("");
    let front = match yaml::parse::<F>(&source, front_text, split.front_line.max(1)) {
        Ok(front) => front,
        Err(mut d) => {
            if split.front.is_none() {
                d = Diagnostic::error(
                    &source,
                    1,
                    1,
                    format!("front matter is missing: {}", d.message),
                )
                .code(crate::diagnostics::Code::FrontMatterMissing)
                .help("start the file with a `---` block holding at least `title:`");
            }
            diags.push(d);
            fallback?
        }
    };
    let sections = markdown::sections(split.body, split.body_offset, split_h2);
    Some(MarkdownDoc {
        source: Arc::new(source),
        stem,
        front,
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_folder() {
        assert_eq!(classify("orr.yaml"), Ok(Kind::Config));
        assert_eq!(classify("handbook/guides/a.md"), Ok(Kind::Chapter));
        assert_eq!(classify("questions/capacity.md"), Ok(Kind::Bank));
        assert_eq!(classify("services/checkout.yaml"), Ok(Kind::Service));
        assert_eq!(classify("services/checkout.md"), Ok(Kind::ServiceProse));
        assert!(classify("services/checkout.yml").is_err());
        assert!(classify("questions/nested/a.md").is_err());
        assert_eq!(stem_of("handbook/guides/a.md"), "guides/a");
    }
}
