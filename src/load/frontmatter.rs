//! Splitting a Markdown file into its YAML front matter and its body.

/// A Markdown file cut in two, with the offsets needed to keep error positions true.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The YAML between the `---` lines, if there is a front matter block.
    pub front: Option<&'a str>,
    /// 1-based line of the first YAML line.
    pub front_line: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `text`; an opening `---` without a closing one is an error (the 1-based line).
pub fn split(text: &str) -> Result<Split<'_>, usize> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            front: None,
            front_line: 0,
            body: text,
            body_offset: 0,
        });
    }
    let mut pos = first_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                front: Some(&text[first_end..pos]),
                front_line: 2,
                body: &text[end..],
                body_offset: end,
            });
        }
        pos = end;
    }
    Err(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.front, Some("title: A\n"));
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Hello\n").unwrap();
        assert!(s.front.is_none());
        assert_eq!(s.body, "# Hello\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert_eq!(split("---\ntitle: A\n").unwrap_err(), 1);
    }
}
