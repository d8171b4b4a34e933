//! Splitting text at an ASCII byte (a newline, `:` or `,`), as `str`'s
//! own methods split it, with the byte found by `memchr`'s vector search.
//! `str`'s char search starts over for each piece; reading a 1,000-service
//! handbook splits 30 MB into lines three times, and about two million
//! short answer lines at their colons and commas.

/// The lines of `text`, each with its `\n`: what `text.split_inclusive('\n')` gives.
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|newline| newline + 1)
        .chain((!text.ends_with('\n')).then_some(text.len()))
        .filter_map(move |end| {
            let line = &text[start..end];
            start = end;
            (!line.is_empty()).then_some(line)
        })
}

/// The lines of `text` without their endings: what `text.lines()` gives.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_inclusive(text).map(|line| {
        let Some(line) = line.strip_suffix('\n') else {
            return line;
        };
        line.strip_suffix('\r').unwrap_or(line)
    })
}

/// `text.split_once(byte as char)`, for an ASCII `byte`.
pub fn split_once(text: &str, byte: u8) -> Option<(&str, &str)> {
    debug_assert!(byte.is_ascii());
    let at = memchr::memchr(byte, text.as_bytes())?;
    Some((&text[..at], &text[at + 1..]))
}

/// `text.split(byte as char)`, for an ASCII `byte`.
pub fn split(text: &str, byte: u8) -> impl Iterator<Item = &str> {
    debug_assert!(byte.is_ascii());
    let mut start = 0;
    memchr::memchr_iter(byte, text.as_bytes())
        .chain(std::iter::once(text.len()))
        .map(move |end| {
            let piece = &text[start..end];
            start = end + 1;
            piece
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_as_str_splits_them() {
        let texts = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\nb\n",
            "\na\n\nb",
            "a\r\nb\r\n",
            "a\r",
            "a\r\n\r\n",
            "\r",
            "é\nü\r\n✓",
            "  - x: y\n\n# c\n  z: 1",
        ];
        for text in texts {
            let inclusive: Vec<&str> = lines_inclusive(text).collect();
            assert_eq!(
                inclusive,
                text.split_inclusive('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
            let bare: Vec<&str> = lines(text).collect();
            assert_eq!(bare, text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn pieces_split_as_str_splits_them() {
        let texts = [
            "",
            ",",
            ",,",
            "a",
            "a,",
            ",a",
            "a,b",
            "a, b: c,d:e",
            "é,ü:✓",
            "::",
        ];
        for text in texts {
            for byte in [b',', b':'] {
                let pieces: Vec<&str> = split(text, byte).collect();
                assert_eq!(
                    pieces,
                    text.split(byte as char).collect::<Vec<_>>(),
                    "{text:?}"
                );
                assert_eq!(
                    split_once(text, byte),
                    text.split_once(byte as char),
                    "{text:?}"
                );
            }
        }
    }
}
