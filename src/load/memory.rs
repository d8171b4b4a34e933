//! The seam for `orr build --at`: a handbook whose files are already in
//! memory (read from a git tree) loaded exactly as [`super::load`] loads the
//! file system: same classification, limits, parsing and diagnostics.

use rayon::prelude::*;

use super::{classify, parse_file, utf8_error, Kind, Parsed, Sources};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use crate::source::SourceFile;

/// A handbook's files: (path under the folder, `/`-separated; bytes), each list sorted by path.
#[derive(Debug, Clone, Default)]
pub struct FileSet {
    pub content: Vec<(String, Vec<u8>)>,
    pub templates: Vec<(String, Vec<u8>)>,
    pub assets: Vec<(String, Vec<u8>)>,
}

/// Reads the handbook held in `set`. Problems are pushed to `diags`.
pub fn load_set(set: &FileSet, diags: &mut Diagnostics) -> Sources {
    let mut sources = Sources::default();
    let mut files: Vec<(Kind, &str, &[u8])> = Vec::new();
    for (rel, bytes) in &set.content {
        match classify(rel) {
            Ok(kind) => files.push((kind, rel, bytes)),
            Err(hint) => diags.push(Diagnostic {
                severity: Severity::Warning,
                ..Diagnostic::file_error(&format!("content/{rel}"), format!("ignored: {hint}"))
                    .code(Code::IgnoredFile)
            }),
        }
    }
    sources.service_names = files
        .iter()
        .filter(|(k, _, _)| *k == Kind::Service)
        .map(|(_, rel, _)| super::stem_of(rel))
        .collect();
    let results: Vec<(Option<Parsed>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|(kind, rel, bytes)| {
            let mut local = Vec::new();
            let parsed = text_of(&format!("content/{rel}"), bytes, &mut local)
                .and_then(|source| parse_file(*kind, rel, source, &mut local));
            (parsed, local)
        })
        .collect();
    for (parsed, local) in results {
        diags.extend(local);
        if let Some(parsed) = parsed {
            sources.file(parsed);
        }
    }
    for (rel, bytes) in &set.templates {
        let mut local = Vec::new();
        if let Some(source) = text_of(&format!("templates/{rel}"), bytes, &mut local) {
            sources.templates.push(source);
        }
        diags.extend(local);
    }
    sources.assets = set.assets.clone();
    sources
}

/// `bytes` as the text of the file shown as `shown`, within the limit of its kind.
fn text_of(shown: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    let yaml = shown.ends_with(".yaml") || shown.ends_with(".yml");
    let (limit, name) = if yaml {
        (crate::limits::MAX_YAML_FILE_BYTES, "MAX_YAML_FILE_BYTES")
    } else {
        (
            crate::limits::MAX_MARKDOWN_FILE_BYTES,
            "MAX_MARKDOWN_FILE_BYTES",
        )
    };
    if bytes.len() as u64 > limit {
        let mut d = Diagnostic::file_error(
            shown,
            format!("this file is larger than {}", crate::limits::mib(limit)),
        )
        .code(Code::FileTooLarge)
        .help(format!(
            "split it into smaller files (limit: {}, {name})",
            crate::limits::mib(limit)
        ));
        (d.line, d.column) = (1, 1);
        diags.push(d);
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            Some(SourceFile::new(shown, text))
        }
        Err(e) => {
            diags.push(utf8_error(shown, bytes, e.valid_up_to()));
            None
        }
    }
}
