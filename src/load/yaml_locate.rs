//! Finding where a key or list item sits in a YAML file.
//!
//! serde gives positions for syntax and type errors only; the checks that come
//! after (an unknown question id, a waiver that is too long) need the line of
//! the key they are about. This walks the block structure by indentation,
//! which is enough for the hand-written files of a handbook, and falls back to
//! the nearest enclosing key it did find.

use std::cell::RefCell;
// foldhash: several times faster than SipHash on these small keys, and
// seeded per map, so keys written to collide cannot be prepared in advance.
use foldhash::HashMap;

/// One step of a path into a YAML document.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    /// A mapping key.
    Key(&'a str),
    /// The n-th item (0-based) of a block sequence.
    Item(usize),
}

/// 1-based line and column of the deepest element of `path` that could be found.
pub fn locate(text: &str, path: &[Seg]) -> (usize, usize) {
    YamlLines::new(text).locate(path)
}

/// A YAML file split into lines with each line's shape worked out once, so
/// that locating many errors in one file stays cheap.
///
/// Each block searched is indexed the first time (its keys, its items, where
/// it ends), so locating k paths of depth d in a file of n lines costs
/// O(n·d + k·d·log n) instead of O(k·n): every answer of a 100,000-answer file
/// is located in well under a second.
pub struct YamlLines<'a> {
    lines: Vec<&'a str>,
    shapes: Vec<LineShape>,
    cache: RefCell<Indexes<'a>>,
}

/// A block searched: its first line, the line after it, and its parent's indentation.
type Window = (usize, usize, isize);
/// A found line: 0-based line, column, and the indentation of its children's parent.
type Hit = (usize, usize, usize);

/// What has been worked out about the blocks searched so far.
#[derive(Default)]
struct Indexes<'a> {
    /// (start, end, parent indent) -> the first line (and column, indent) of each key.
    keys: HashMap<Window, HashMap<&'a str, Hit>>,
    /// (start, end, parent indent) -> the lines of the block's items, in order.
    items: HashMap<Window, Vec<usize>>,
    /// (from, end, indent, is_key) -> the end of the block.
    ends: HashMap<(usize, usize, usize, bool), usize>,
}

/// What the block structure needs to know about one line.
#[derive(Clone, Copy)]
struct LineShape {
    indent: usize,
    /// Not blank and not a comment.
    content: bool,
    /// Starts (after indentation) with `-`.
    dash: bool,
    /// A block sequence item: `- ...` or a lone `-`.
    item: bool,
}

impl<'a> YamlLines<'a> {
    pub fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = crate::text::lines(text).collect();
        let shapes = lines
            .iter()
            .map(|line| {
                let body = line.trim_start_matches(' ');
                let trimmed = line.trim();
                LineShape {
                    indent: line.len() - body.len(),
                    content: !trimmed.is_empty() && !trimmed.starts_with('#'),
                    dash: body.starts_with('-'),
                    item: body.starts_with("- ") || body.trim_end() == "-",
                }
            })
            .collect();
        YamlLines {
            lines,
            shapes,
            cache: RefCell::default(),
        }
    }

    /// 1-based line and column of the deepest element of `path` that could be found.
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        // Search window: [start, end) lines, with the indentation of the parent.
        let (mut start, mut end) = (0usize, self.lines.len());
        let mut found = (1usize, 1usize);
        let mut parent_indent: isize = -1;
        for (depth, seg) in path.iter().enumerate() {
            let hit = match seg {
                Seg::Key(key) => self.find_key(start, end, parent_indent, key),
                Seg::Item(n) => self.find_item(start, end, parent_indent, *n),
            };
            match hit {
                Some((line, col, indent)) => {
                    found = (line + 1, col + 1);
                    // The last step's block is never searched: its end is not
                    // needed (every answer of a file is located once).
                    if depth + 1 == path.len() {
                        break;
                    }
                    let is_key = matches!(seg, Seg::Key(_));
                    end = self.block_end(line + 1, end, indent, is_key);
                    // An item's own line holds its first key (`- service: x`).
                    start = if is_key { line + 1 } else { line };
                    parent_indent = indent as isize;
                }
                None => {
                    // Flow mapping on the found line, such as `{date: ..., event: ...}`.
                    if let Seg::Key(key) = seg {
                        let line = found.0.checked_sub(1).and_then(|l| self.lines.get(l));
                        if let Some((line, idx)) =
                            line.and_then(|l| l.find(&format!("{key}:")).map(|i| (l, i)))
                        {
                            found.1 = line[..idx].chars().count() + 1;
                        }
                    }
                    break;
                }
            }
        }
        found
    }

    /// The first line after `from` whose indentation is <= `indent` (the end of a block).
    /// A key's sequence may sit at the key's own indentation (`deps:` then `- a`).
    fn block_end(&self, from: usize, end: usize, indent: usize, is_key: bool) -> usize {
        let key = (from, end, indent, is_key);
        if let Some(&found) = self.cache.borrow().ends.get(&key) {
            return found;
        }
        let found = self.scan_block_end(from, end, indent, is_key);
        self.cache.borrow_mut().ends.insert(key, found);
        found
    }

    fn scan_block_end(&self, from: usize, end: usize, indent: usize, is_key: bool) -> usize {
        (from..end)
            .find(|&i| {
                let shape = self.shapes[i];
                let same_level_item = is_key && shape.indent == indent && shape.dash;
                shape.content && shape.indent <= indent && !same_level_item
            })
            .unwrap_or(end)
    }

    /// The first line of the block at `key:` with the block's child indentation.
    fn find_key(
        &self,
        start: usize,
        end: usize,
        parent: isize,
        key: &str,
    ) -> Option<(usize, usize, usize)> {
        let window = (start, end, parent);
        if !self.cache.borrow().keys.contains_key(&window) {
            let index = self.index_keys(start, end, parent);
            self.cache.borrow_mut().keys.insert(window, index);
        }
        let cache = self.cache.borrow();
        let &(line, column, indent) = cache.keys.get(&window)?.get(key)?;
        // The index is by the text before the key's colon; confirm the whole key.
        (key_at(self.lines[line], key) == Some(column)).then_some((line, column, indent))
    }

    /// Every key of a block by the text before its first `: ` (or `:` at the
    /// end, or the first `:`), first occurrence kept: O(lines of the block).
    fn index_keys(&self, start: usize, end: usize, parent: isize) -> HashMap<&'a str, Hit> {
        let mut index = HashMap::default();
        let mut child_indent: Option<usize> = None;
        for i in start..end {
            let shape = self.shapes[i];
            if !shape.content {
                continue;
            }
            let item_indent = if shape.item {
                shape.indent + 2
            } else {
                shape.indent
            };
            if (item_indent as isize) <= parent {
                continue;
            }
            if *child_indent.get_or_insert(item_indent) != item_indent {
                continue;
            }
            for (name, column) in key_candidates(self.lines[i]) {
                index.entry(name).or_insert((i, column, item_indent));
            }
        }
        index
    }

    /// The n-th item of the block; the block's items are listed once.
    fn find_item(
        &self,
        start: usize,
        end: usize,
        parent: isize,
        n: usize,
    ) -> Option<(usize, usize, usize)> {
        let window = (start, end, parent);
        if !self.cache.borrow().items.contains_key(&window) {
            let items = self.list_items(start, end, parent);
            self.cache.borrow_mut().items.insert(window, items);
        }
        let line = *self.cache.borrow().items.get(&window)?.get(n)?;
        let indent = self.shapes[line].indent;
        // Children of the item sit two columns to the right of the dash.
        Some((line, indent + 2, indent + 1))
    }

    /// The lines of a block's items at its first item's indentation: O(lines of the block).
    fn list_items(&self, start: usize, end: usize, parent: isize) -> Vec<usize> {
        let mut items = Vec::new();
        let mut item_indent: Option<usize> = None;
        for i in start..end {
            let shape = self.shapes[i];
            if !shape.content || !shape.item || (shape.indent as isize) < parent {
                continue;
            }
            if *item_indent.get_or_insert(shape.indent) == shape.indent {
                items.push(i);
            }
        }
        items
    }
}

/// The 1-based column of the value after the `key:` that starts at 1-based
/// `key_column` of `line`; `None` when nothing follows on that line.
pub fn value_column(line: &str, key_column: usize) -> Option<usize> {
    let key_start = line
        .char_indices()
        .nth(key_column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let colon = key_start + line[key_start..].find(':')?;
    let after = &line[colon + 1..];
    let value_start = colon + 1 + (after.len() - after.trim_start().len());
    (value_start < line.len()).then(|| line[..value_start].chars().count() + 1)
}

/// The keys `line` may hold for [`key_at`], with their 0-based column: the
/// text before the first `: ` (or a final `:`), and before the first `:`,
/// unquoted. At most two, so indexing a block stays linear in its size.
fn key_candidates(line: &str) -> Vec<(&str, usize)> {
    let body = line.trim_start_matches(' ');
    let offset = line.len() - body.len();
    let (body, offset) = match body.strip_prefix("- ") {
        Some(rest) => (
            rest.trim_start(),
            offset + 2 + (rest.len() - rest.trim_start().len()),
        ),
        None => (body, offset),
    };
    let mut out = Vec::with_capacity(2);
    let quoted = body
        .strip_prefix('"')
        .and_then(|rest| rest.find("\":").map(|end| &rest[..end]));
    if let Some(name) = quoted {
        out.push((name, offset));
    }
    let separator = body
        .match_indices(':')
        .find(|&(i, _)| body[i + 1..].is_empty() || body[i + 1..].starts_with([' ', '\t']))
        .map(|(i, _)| i);
    for end in [separator, body.find(':')].into_iter().flatten() {
        let name = &body[..end];
        if !out.iter().any(|&(seen, _)| seen == name) {
            out.push((name, offset));
        }
    }
    out
}

/// The 0-based column of `key:` on `line` (also after `- `), if the line holds that key.
pub(crate) fn key_at(line: &str, key: &str) -> Option<usize> {
    let body = line.trim_start_matches(' ');
    let offset = line.len() - body.len();
    let (body, offset) = match body.strip_prefix("- ") {
        Some(rest) => (
            rest.trim_start(),
            offset + 2 + (rest.len() - rest.trim_start().len()),
        ),
        None => (body, offset),
    };
    let unquoted = body
        .strip_prefix('"')
        .and_then(|b| b.strip_prefix(key))
        .and_then(|b| b.strip_prefix('"'));
    let rest = unquoted.or_else(|| body.strip_prefix(key))?;
    rest.starts_with(':').then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title: A\nanswers:\n  cap-a:\n    status: yes\n  cap-b:\n    status: waived\n    waiver:\n      expires: 2026-01-01\n      history:\n        - {date: 2026-01-01, event: granted}\ndependencies:\n  - service: db\n    hard: true\n  - external: stripe\n    timeout_ms: 5\n";

    #[test]
    fn finds_nested_keys() {
        assert_eq!(
            locate(DOC, &[Seg::Key("answers"), Seg::Key("cap-b")]),
            (5, 3)
        );
        assert_eq!(
            locate(
                DOC,
                &[Seg::Key("answers"), Seg::Key("cap-b"), Seg::Key("status")]
            ),
            (6, 5)
        );
        assert_eq!(
            locate(
                DOC,
                &[
                    Seg::Key("answers"),
                    Seg::Key("cap-b"),
                    Seg::Key("waiver"),
                    Seg::Key("expires")
                ]
            ),
            (8, 7)
        );
    }

    #[test]
    fn finds_sequence_items_and_their_keys() {
        assert_eq!(
            locate(DOC, &[Seg::Key("dependencies"), Seg::Item(1)]),
            (14, 5)
        );
        assert_eq!(
            locate(
                DOC,
                &[
                    Seg::Key("dependencies"),
                    Seg::Item(1),
                    Seg::Key("timeout_ms")
                ]
            ),
            (15, 5)
        );
        assert_eq!(
            locate(
                DOC,
                &[Seg::Key("dependencies"), Seg::Item(0), Seg::Key("service")]
            ),
            (12, 5)
        );
    }

    #[test]
    fn finds_keys_in_flow_mappings() {
        let path = [
            Seg::Key("answers"),
            Seg::Key("cap-b"),
            Seg::Key("waiver"),
            Seg::Key("history"),
            Seg::Item(0),
            Seg::Key("event"),
        ];
        assert_eq!(locate(DOC, &path), (10, 30));
    }

    #[test]
    fn finds_items_at_the_keys_indentation() {
        let doc = "deps:\n- service: a\n- service: b\n  hard: true\nrisks: []\n";
        assert_eq!(
            locate(doc, &[Seg::Key("deps"), Seg::Item(1), Seg::Key("hard")]),
            (4, 3)
        );
    }

    #[test]
    fn falls_back_to_the_deepest_found() {
        assert_eq!(
            locate(DOC, &[Seg::Key("answers"), Seg::Key("nope")]),
            (2, 1)
        );
        assert_eq!(locate(DOC, &[Seg::Key("nope")]), (1, 1));
    }
}
