//! YAML into typed documents, with serde's errors turned into located diagnostics.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::source::SourceFile;

/// Deserializes `yaml`, which starts at 1-based line `first_line` of `source`.
pub fn parse<T: DeserializeOwned>(
    source: &SourceFile,
    yaml: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    let doc = if yaml.trim().is_empty() { "{}" } else { yaml };
    // Measured first, so an alias bomb is refused before anything is built.
    super::yaml_budget::check(doc)
        .and_then(|()| serde_yaml::from_str(doc))
        .map_err(|err| located(source, yaml, first_line, &err))
}

/// Reads the whole of `source` into the record `T` in one parse, measured
/// against the YAML limits and checked against `T`'s description as it is
/// read: the record and what did not fit, or the syntax error that stopped it.
pub fn read_record<T: super::describe::Record>(
    source: &SourceFile,
    what: &str,
) -> Result<(T, Vec<Diagnostic>), Diagnostic> {
    let yaml = source.text.as_str();
    let doc = if yaml.trim().is_empty() { "{}" } else { yaml };
    let mut reader = super::describe::Reader::new(source);
    match reader.read_document::<T, _>(what, serde_yaml::Deserializer::from_str(doc)) {
        Ok(record) => Ok((record, reader.diagnostics)),
        Err(err) => Err(located(source, yaml, 1, &err)),
    }
}

/// A service file read into its record: its answers by
/// [`super::quick_answers`] and the rest by the YAML parser when every
/// answer is written in a shape that module takes, else the whole file by
/// the parser. Both give the same record and the same reports (a test holds
/// them to each other); the first is several times faster on the
/// hundreds of answers a service file holds.
pub fn read_service(source: &SourceFile) -> Result<ServiceRead, Diagnostic> {
    match read_service_by_answers(source) {
        Some(read) => Ok(read),
        None => read_record(source, "a service file").map(|(raw, reports)| ServiceRead {
            raw,
            reports,
            answer_keys: None,
        }),
    }
}

/// A service file as read: its record, what reading it reported, and, when
/// its answers were read apart, the byte offset of each answer's key, in
/// the order of `raw.answers` (by id). The checker places each answer from
/// these instead of searching the file's lines for it.
pub struct ServiceRead {
    pub raw: super::raw::ServiceRaw,
    pub reports: Vec<Diagnostic>,
    pub answer_keys: Option<Vec<usize>>,
}

/// The question id the answers mapping is marked with while the rest of
/// the file is read: found again only if `answers:` is the document's own key.
const MARK: &str = "__orr_answers_read_apart__";

/// [`read_service`]'s fast way; `None` when the file is not written so,
/// or its parse reports an error (the whole parse then reports it in its
/// own words and place).
fn read_service_by_answers(source: &SourceFile) -> Option<ServiceRead> {
    use super::quick_answers::{answer_chunks, has_anchor, quick};
    let text = source.text.as_str();
    if has_anchor(text) {
        return None;
    }
    let chunks = answer_chunks(text)?;
    let answers: Vec<(String, super::quick_answers::Quick)> = chunks
        .iter()
        .map(|&(start, end)| quick(&text[start..end]).map(|(id, value)| (id.to_string(), value)))
        .collect::<Option<_>>()?;
    // Each chunk starts with its key's line: the key follows the indentation.
    let mut keys: Vec<(&str, usize)> = answers
        .iter()
        .zip(&chunks)
        .map(|((id, _), &(start, _))| {
            let line = &text[start..];
            (
                id.as_str(),
                start + line.len() - line.trim_start_matches(' ').len(),
            )
        })
        .collect();
    keys.sort_unstable_by_key(|&(id, _)| id);
    if keys.windows(2).any(|pair| pair[0].0 == pair[1].0) {
        return None;
    }
    let offsets: Vec<usize> = keys.into_iter().map(|(_, offset)| offset).collect();
    let (first, last) = (chunks.first()?.0, chunks.last()?.1);
    let rest = format!(
        "{}  {MARK}: {{status: \"yes\"}}\n{}",
        &text[..first],
        &text[last..]
    );
    let mut reader = super::describe::Reader::new(source);
    let mut raw: super::raw::ServiceRaw = reader
        .read_document("a service file", serde_yaml::Deserializer::from_str(&rest))
        .ok()?;
    if raw.answers.len() != 1 || raw.answers.remove(MARK).is_none() {
        return None;
    }
    raw.answers = reader.read_entries("answers", answers).ok()?;
    // Every id is kept, so the offsets, sorted by id, follow `raw.answers`.
    let answer_keys = (raw.answers.len() == offsets.len()).then_some(offsets);
    Some(ServiceRead {
        raw,
        reports: reader.diagnostics,
        answer_keys,
    })
}

/// A serde_yaml error as a diagnostic at its place, in the handbook's words.
fn located(
    source: &SourceFile,
    yaml: &str,
    first_line: usize,
    err: &serde_yaml::Error,
) -> Diagnostic {
    let (mut line, mut column) = err.location().map_or((first_line, 1), |l| {
        source_position(source, yaml, l.index()).unwrap_or((l.line() + first_line - 1, l.column()))
    });
    let message = strip_position(&err.to_string());
    // serde's path to a too-deep value is one `[0]` per level: noise.
    let message = match message.find(super::yaml_budget::TOO_DEEP) {
        Some(start) => message[start..].to_string(),
        None => message,
    };
    let message = plain_words(&message);
    // serde_yaml's word for a repeated key in a plain mapping; one wording for users.
    let message = match message.find("duplicate entry with key \"") {
        Some(start) => {
            let key = &message[start + "duplicate entry with key \"".len()..];
            let key = key.split_once('"').map_or(key, |(k, _)| k);
            format!("{}duplicate key `{key}`", &message[..start])
        }
        None => message,
    };
    // serde reports a repeated key at the start of its mapping; point at the repeat.
    if let Some(key) = duplicated_key(&message) {
        if let Some((l, c)) = second_occurrence(yaml, key, line + 1 - first_line) {
            (line, column) = (l + first_line - 1, c);
        }
    }
    let help = hint_for(&message);
    let mut d =
        Diagnostic::error(source, line, column, message).code(crate::diagnostics::Code::YamlSyntax);
    if let Some(help) = help {
        d = d.help(help);
    }
    d
}

/// The line and column in `source` of byte `index` of `yaml`, when `yaml` is a
/// slice of the source's text (as it is for every file read). Found by byte offset
/// rather than from YAML's own line count, which differs from an editor's (a
/// lone `\r` is a line break to YAML) and whose end-of-input mark lies past
/// the last line; the place found is always on a line the file has.
fn source_position(source: &SourceFile, yaml: &str, index: usize) -> Option<(usize, usize)> {
    let text = source.text.as_str();
    let start = (yaml.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .filter(|start| start + yaml.len() <= text.len())?;
    let mut offset = start + index.min(yaml.len());
    // Past a final newline there is no line: stay at the end of the last one.
    if offset == text.len() && text.ends_with('\n') {
        offset -= 1;
    }
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    Some(source.line_col(offset))
}

/// The key named by a "duplicate field `k`" or "duplicate key `k`" message.
fn duplicated_key(message: &str) -> Option<&str> {
    let start = message
        .find("duplicate field `")
        .or_else(|| message.find("duplicate key `"))?;
    let rest = message[start..].split_once('`')?.1;
    rest.split_once('`').map(|(key, _)| key)
}

/// 1-based line and column of the second `key:` at one indentation, searching
/// from 1-based line `from` of `yaml`; when line `from` holds a one-line flow
/// mapping with `key` twice, the second is there (the answers below it are
/// other mappings).
fn second_occurrence(yaml: &str, key: &str, from: usize) -> Option<(usize, usize)> {
    let line = yaml.lines().nth(from.saturating_sub(1));
    if let Some(column) = line.and_then(|line| second_in_flow(line, key)) {
        return Some((from.max(1), column));
    }
    let mut first_column = None;
    for (i, line) in yaml.lines().enumerate().skip(from.saturating_sub(1)) {
        let Some(column) = super::yaml_locate::key_at(line, key) else {
            continue;
        };
        match first_column {
            None => first_column = Some(column),
            Some(c) if c == column => return Some((i + 1, column + 1)),
            Some(_) => {}
        }
    }
    None
}

/// 1-based column of the second `key:` that opens a pair (after `{` or `,`)
/// of the flow mapping on `line`.
fn second_in_flow(line: &str, key: &str) -> Option<usize> {
    let pair = [key, ":"].concat();
    line.match_indices(&pair)
        .filter(|&(at, _)| line[..at].trim_end_matches(' ').ends_with(['{', ',']))
        .nth(1)
        .map(|(at, _)| line[..at].chars().count() + 1)
}

/// Deserializes a map whose keys must be unique (YAML itself keeps the last silently).
pub fn unique_keys<'de, D, V>(
    deserializer: D,
) -> Result<std::collections::BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Unique<V> {
        type Value = std::collections::BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a mapping")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            // Collected in a Vec and built in one go at the end: `from_iter` packs the
            // map's nodes full, where inserting keys in order leaves each about half empty.
            let mut entries: Vec<(String, V)> = Vec::new();
            let mut seen = FirstSeen::default();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if seen.repeats(&entries, &key) {
                    return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                }
                entries.push((key, value));
            }
            Ok(entries.into_iter().collect())
        }
    }
    deserializer.deserialize_any(Unique(std::marker::PhantomData))
}

/// Which keys of a mapping came before: nothing to store while they arrive in
/// ascending order (the usual case), a set of them once one does not.
#[derive(Default)]
pub(crate) struct FirstSeen {
    unordered: Option<std::collections::HashSet<String>>,
}

impl FirstSeen {
    /// Whether `key` is among the keys of `earlier`, every key seen so far in order.
    pub(crate) fn repeats<V>(&mut self, earlier: &[(String, V)], key: &str) -> bool {
        if self.unordered.is_none() && earlier.last().is_none_or(|(last, _)| last.as_str() < key) {
            return false;
        }
        let set = self
            .unordered
            .get_or_insert_with(|| earlier.iter().map(|(k, _)| k.clone()).collect());
        !set.insert(key.to_string())
    }
}

/// serde_yaml appends " at line N column M"; the diagnostic shows that itself.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// serde names Rust types in its messages; users wrote YAML.
fn plain_words(message: &str) -> String {
    let mut out = message.to_string();
    for (rust, yaml) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number, zero or more"),
        ("expected u32", "expected a whole number, zero or more"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected a sequence", "expected a list"),
        ("invalid type: sequence", "invalid type: a list"),
        ("invalid type: map", "invalid type: a mapping"),
    ] {
        out = out.replace(rust, yaml);
    }
    // "expected struct ChapterFront" and the like.
    while let Some(start) = out.find("expected struct ") {
        let end = out[start + "expected struct ".len()..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(out.len(), |e| start + "expected struct ".len() + e);
        out.replace_range(start..end, "expected a mapping of `key: value` lines");
    }
    out
}

/// For "unknown field `x`, expected one of `a`, `b`": the closest valid name and the list.
fn hint_for(message: &str) -> Option<String> {
    if let Some(hint) = super::yaml_budget::hint(message) {
        return Some(hint);
    }
    if message.contains("recursion limit exceeded") {
        return Some(
            "values are nested too deeply: a handbook file needs only a few levels".into(),
        );
    }
    if message.contains("repetition limit exceeded") {
        return Some("YAML aliases (`*name`) expand to too much text: write the values out".into());
    }
    if let Some(start) = message.find("missing field `") {
        let field = message[start + "missing field `".len()..]
            .split('`')
            .next()
            .unwrap_or("");
        return Some(format!("add `{field}: ...`"));
    }
    let start = message
        .find("unknown field `")
        .or_else(|| message.find("unknown variant `"))?;
    let rest = message[start..].split_once('`')?.1;
    let (wrong, expected) = rest.split_once('`')?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match did_you_mean(wrong, names.iter().copied()) {
        Some(mean) => Some(format!("{mean} valid keys here: {list}")),
        None if !names.is_empty() => Some(format!("valid keys here: {list}")),
        None => {
            Some("this key is not part of the format (docs/format.md, sections 2-6)".to_string())
        }
    }
}

/// Accepts a string or a number as text: `bank_version: 2026.11` means "2026.11".
/// (A number loses trailing zeros on the way; `load` restores the text as written.)
pub fn scalar_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    struct Label;
    impl serde::de::Visitor<'_> for Label {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a version label such as \"2026.11\"")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    deserializer.deserialize_any(Label)
}

/// A version label as written when YAML read a plain number (`2026.10` stays
/// `2026.10`, not `2026.1`); in every other case the string YAML parsed, so
/// no source text (quotes, comments, block indicators) leaks into the page.
pub fn number_as_written(text: &str, line: usize, parsed: String) -> String {
    let is_plain_number = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    };
    let same_value = |raw: &str| {
        raw.parse::<f64>()
            .ok()
            .is_some_and(|r| parsed.parse::<f64>().ok() == Some(r))
    };
    match raw_scalar(text, line) {
        Some(raw) if is_plain_number(&raw) && is_plain_number(&parsed) && same_value(&raw) => raw,
        _ => parsed,
    }
}

/// The scalar after `key:` on its line, as written (quotes and comment removed).
pub fn raw_scalar(text: &str, line: usize) -> Option<String> {
    let line = text.lines().nth(line.checked_sub(1)?)?;
    let value = line.split_once(':')?.1;
    let value = value.split(" #").next()?.trim();
    let unquoted = value.trim_matches(|c| c == '"' || c == '\'');
    (!unquoted.is_empty()).then(|| unquoted.to_string())
}

/// Treats an explicit `null` (a key with nothing under it) as the default value.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 50,000 unknown keys in one answer are each reported once, in one
    /// pass: each was looked for among the unknown keys before it, which is
    /// quadratic (200,000 took 44 s in a release build).
    #[test]
    fn an_answer_with_many_unknown_keys_is_read_in_one_pass() {
        let keys: String = (0..50_000).map(|i| format!("    k{i}: v\n")).collect();
        let text = format!("title: A\nowner: o\ntier: 1\nanswers:\n  q1:\n    status: yes\n{keys}");
        let source = SourceFile::new("content/services/a.yaml", text);
        let read = read_service(&source).unwrap();
        assert_eq!(read.raw.answers.len(), 1);
        assert_eq!(read.reports.len(), 50_000);
    }

    /// Every service file of the bundled handbook and the test fixtures, and
    /// edits that leave a shape the quick reader takes or that it must
    /// refuse: read by answers, when it reads at all, the record and every
    /// report are what reading the whole file gives.
    #[test]
    fn reading_answers_apart_gives_the_whole_reading() {
        let files = crate::load::quick_answers::service_files_in_repository();
        let (mut apart, mut tried, mut placed) = (0, 0, 0);
        for file in &files {
            let replaced = [
                ("status: yes", "status: maybe"),
                ("status: yes", "status: 1.50"),
                ("status: yes", "statut: yes"),
                ("{status: yes", "{status: yes, status: no"),
                ("{status: yes", "{status: yes, colour: blue"),
                ("due: 20", "due: 19"),
                ("approver:", "aprover:"),
                ("expires: 2", "expires: x2"),
                ("event: granted", "event: gifted"),
                ("answers:\n", "answers:\n  # first\n"),
                (
                    "answers:\n",
                    "answers:\n  a0: {status: yes, evidence: e}\n  # c\r  hidden: {status: maybe}\n",
                ),
                (
                    "answers:\n",
                    "answers:\n  a0: {status: yes, evidence: e}\n  # c\u{2028}  hidden: {}\n",
                ),
                ("title:", "titel:"),
                ("tier: ", "tier: x"),
            ];
            let mut edits: Vec<String> = replaced
                .iter()
                .map(|(from, to)| file.replacen(from, to, 1))
                .collect();
            edits.push(file.clone());
            edits.push(format!("owner: twice\n{file}"));
            edits.push(format!("x: \"open\n{file}\"\n"));
            for edit in edits {
                tried += 1;
                let source = SourceFile::new("content/services/x.yaml", edit.clone());
                let Some(ServiceRead {
                    raw,
                    mut reports,
                    answer_keys,
                }) = read_service_by_answers(&source)
                else {
                    continue;
                };
                apart += 1;
                // Each answer's key is where the YAML locator finds it.
                let lines = super::super::yaml_locate::YamlLines::new(&source.text);
                let keys = answer_keys.unwrap_or_default();
                placed += usize::from(!keys.is_empty());
                for (id, &offset) in raw.answers.keys().zip(&keys) {
                    let path = [
                        super::super::yaml_locate::Seg::Key("answers"),
                        super::super::yaml_locate::Seg::Key(id),
                    ];
                    assert_eq!(
                        source.line_col(offset),
                        lines.locate(&path),
                        "{id} in {edit}"
                    );
                }
                let (whole, mut whole_reports) =
                    read_record::<super::super::raw::ServiceRaw>(&source, "a service file")
                        .unwrap();
                let order = |d: &Diagnostic| (d.line, d.column, d.message.clone());
                reports.sort_by_key(order);
                whole_reports.sort_by_key(order);
                assert_eq!(format!("{raw:?}"), format!("{whole:?}"), "{edit}");
                assert_eq!(
                    format!("{reports:?}"),
                    format!("{whole_reports:?}"),
                    "{edit}"
                );
            }
        }
        assert!(
            apart * 2 > tried,
            "most are read apart ({apart} of {tried})"
        );
        assert!(
            placed * 2 > apart,
            "most place their answers ({placed} of {apart})"
        );
    }

    /// Answers keyed in or out of order: every repeat is caught, the first one named.
    #[test]
    fn unique_keys_catch_repeats_in_any_order() {
        #[derive(Debug, Deserialize)]
        struct Answers {
            #[serde(deserialize_with = "unique_keys")]
            answers: std::collections::BTreeMap<String, u32>,
        }
        let read = |yaml: &str| serde_yaml::from_str::<Answers>(yaml).map(|a| a.answers);
        let sorted = read("answers: {a: 1, b: 2, c: 3}").expect("no repeat");
        assert_eq!(sorted.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        let unsorted = read("answers: {c: 3, a: 1, b: 2}").expect("no repeat");
        assert_eq!(unsorted.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        for (yaml, key) in [
            ("answers: {a: 1, b: 2, a: 3}", "`a`"),
            ("answers: {c: 1, a: 2, c: 3, a: 4}", "`c`"),
            ("answers: {a: 1, c: 2, b: 3, b: 4}", "`b`"),
        ] {
            let message = read(yaml).expect_err(yaml).to_string();
            assert!(
                message.contains(&format!("duplicate key {key}")),
                "{message}"
            );
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        order: Option<i64>,
    }

    #[test]
    fn unknown_keys_are_located_with_a_hint() {
        let src = SourceFile::new("x.md", "---\ntitle: A\nordr: 3\n---\n");
        let err = parse::<Doc>(&src, "title: A\nordr: 3\n", 2).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.column, 1);
        assert_eq!(
            err.message,
            "unknown field `ordr`, expected `title` or `order`"
        );
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `order`? valid keys here: `title`, `order`")
        );
    }

    /// Parses the whole of `text` as the file `path`, as the loader does.
    fn parse_file(path: &str, text: &str) -> Diagnostic {
        let src = SourceFile::new(path, text);
        parse::<serde_yaml::Value>(&src, &src.text, 1).unwrap_err()
    }

    #[test]
    fn an_error_at_the_end_of_the_input_is_on_the_last_line() {
        // Found by the fuzzer (fuzz/regressions/): libyaml's end mark is past the last line.
        let d = parse_file("content/orr.yaml", "{");
        assert_eq!((d.line, d.column), (1, 2));
        let d = parse_file("content/services/x.yaml", "-\n0");
        assert_eq!(d.line, 2);
    }

    #[test]
    fn a_lone_carriage_return_does_not_move_errors_down_a_line() {
        // YAML counts a lone `\r` as a line break; editors and SourceFile do not.
        let d = parse_file("content/orr.yaml", "a: 1\r\r\r\rb: [\n");
        assert!(d.line <= 2, "line {} of a two-line file", d.line);
        let src = SourceFile::new("x.md", "---\n\r!s--]\n---\n");
        let front = &src.text[4..11];
        let d = parse::<serde_yaml::Value>(&src, front, 2).unwrap_err();
        assert_eq!(d.line, 2, "{d:?}");
    }
}
