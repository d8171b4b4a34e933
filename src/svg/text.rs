//! Text helpers shared by the diagrams: width estimates, truncation, slugs and
//! fixed-precision number formatting.
//!
//! SVG generated at build time cannot measure text, so widths are estimated
//! from the character count. Numbers are always formatted with fixed precision
//! so that the same data gives the same bytes.

/// Average advance of one character, as a fraction of the font size, for the
/// sans-serif fonts the stylesheet asks for. Deliberately generous so labels
/// fit their boxes in wide fonts too.
const AVERAGE_CHAR_WIDTH_EM: f64 = 0.6;

/// How much wider bold text runs than regular text; labels are set bold.
pub const BOLD_WIDTH_FACTOR: f64 = 1.12;

/// Estimated width in pixels of `text` set at `font_size` pixels.
pub fn estimate_text_width(text: &str, font_size: f64) -> f64 {
    text.chars().count() as f64 * font_size * AVERAGE_CHAR_WIDTH_EM
}

/// How many characters at `font_size` fit in `width` pixels (at least one).
pub fn chars_fitting(width: f64, font_size: f64) -> usize {
    let fitting = (width / (font_size * AVERAGE_CHAR_WIDTH_EM)).floor();
    if fitting.is_finite() && fitting >= 1.0 {
        fitting as usize
    } else {
        1
    }
}

/// `text` cut to at most `max_chars` characters, ending in an ellipsis when cut.
/// The full text is always kept elsewhere (a `<title>` tooltip and the page's table).
pub fn truncate_chars(text: &str, max_chars: usize) -> String {
    let max_chars = max_chars.max(1);
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars - 1).collect();
    cut.push('…');
    cut
}

/// `text` broken at spaces into at most `max_lines` lines of at most `width`
/// pixels at `font_size`; a word longer than a line is cut, and text left
/// over after the last line ends that line with an ellipsis. Never empty.
pub fn wrap_lines(text: &str, width: f64, font_size: f64, max_lines: usize) -> Vec<String> {
    let per_line = chars_fitting(width, font_size);
    let max_lines = max_lines.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let joined =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if joined <= per_line {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if lines.len() == max_lines {
            break;
        }
        current = truncate_chars(word, per_line);
        if lines.len() + 1 == max_lines && words.peek().is_some() {
            // The last line: whatever does not fit is cut with an ellipsis.
            let rest: Vec<&str> = words.by_ref().collect();
            current = truncate_chars(&format!("{current} {}", rest.join(" ")), per_line);
        }
    }
    if !current.is_empty() && lines.len() < max_lines {
        lines.push(current);
    } else if lines.len() == max_lines && !current.is_empty() {
        if let Some(last) = lines.last_mut() {
            *last = truncate_chars(&format!("{last} {current}"), per_line);
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// A lowercase ASCII slug of `text` (letters, digits and single dashes), used to
/// build element ids and class names. Never empty.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push('x');
    }
    slug
}

/// A stable 32-bit FNV-1a hash, written as 8 hex digits; used to keep ids unique
/// when a slug had to be shortened or lost characters.
pub fn short_hash(text: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.as_bytes() {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// A coordinate or length written with one decimal, the precision every diagram uses.
pub fn num(value: f64) -> String {
    let value = if value.is_finite() { value } else { 0.0 };
    // Avoid "-0.0", which would make equal layouts print differently.
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0.0".to_string()
    } else if rounded.abs() < 1e15 {
        // Whole tenths, written as integers with `itoa`: `{:.1}` takes float
        // formatting's slow exact path, `format!` costs several times a plain
        // copy, and the diagrams of 1,000 services write about a million numbers.
        let tenths = (rounded * 10.0).round() as i64;
        let mut out = String::with_capacity(12);
        if tenths < 0 {
            out.push('-');
        }
        let tenths = tenths.unsigned_abs();
        out.push_str(itoa::Buffer::new().format(tenths / 10));
        out.push('.');
        out.push(char::from(b'0' + (tenths % 10) as u8));
        out
    } else {
        format!("{rounded:.1}")
    }
}

/// A stated availability as a percentage, in the one format analyze rules
/// for availabilities ("99.9%", "99.95%"). `None` for non-numbers.
pub fn percent(value: f64) -> Option<String> {
    value
        .is_finite()
        .then(|| format!("{}%", crate::analyze::precision::availability(value)))
}

/// A computed ceiling as a percentage, with the decimals that tell it from `slo`.
pub fn ceiling_percent(value: f64, slo: Option<f64>) -> Option<String> {
    value
        .is_finite()
        .then(|| format!("{}%", crate::analyze::precision::ceiling(value, slo)))
}

/// A share between 0 and 1 as a whole percentage ("78%"); non-numbers count as 0.
pub fn whole_percent(share: f64) -> String {
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    format!("{:.0}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `num` wrote before it formatted tenths as integers.
    fn num_by_float_formatting(value: f64) -> String {
        let value = if value.is_finite() { value } else { 0.0 };
        let rounded = (value * 10.0).round() / 10.0;
        if rounded == 0.0 {
            "0.0".to_string()
        } else {
            format!("{rounded:.1}")
        }
    }

    #[test]
    fn numbers_are_written_as_float_formatting_wrote_them() {
        let mut values = vec![
            0.0,
            -0.0,
            0.04,
            -0.04,
            0.05,
            -0.05,
            0.15,
            0.25,
            1.45,
            -1.45,
            2.675,
            99.95,
            -99.95,
            1e14,
            -1e14,
            123456.789,
            1e15,
            1e20,
            -3e18,
            f64::NAN,
            f64::INFINITY,
        ];
        values.extend((-20_000..20_000).map(|i| f64::from(i) * 0.0137));
        values.extend((0..5_000).map(|i| f64::from(i) / 3.0 + 0.05));
        for v in values {
            assert_eq!(num(v), num_by_float_formatting(v), "{v}");
        }
    }

    #[test]
    fn long_names_wrap_on_two_lines_before_anything_is_cut() {
        // 20 characters a line at 10 px (0.6 em each) in 120 px.
        assert_eq!(
            wrap_lines("Service level agreement (SLA)", 120.0, 10.0, 2),
            vec!["Service level", "agreement (SLA)"]
        );
        assert_eq!(wrap_lines("short", 120.0, 10.0, 2), vec!["short"]);
        let cut = wrap_lines(
            "one two three four five six seven eight nine",
            60.0,
            10.0,
            2,
        );
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        assert_eq!(wrap_lines("", 60.0, 10.0, 2), vec![String::new()]);
        let long_word = wrap_lines(&"x".repeat(50), 60.0, 10.0, 2);
        assert!(
            long_word.iter().all(|l| l.chars().count() <= 10),
            "{long_word:?}"
        );
    }

    #[test]
    fn slugs_are_ascii_and_never_empty() {
        assert_eq!(
            slugify("Risk matrix: Checkout <script>"),
            "risk-matrix-checkout-script"
        );
        assert_eq!(slugify("注文"), "x");
        assert_eq!(slugify("--a--b--"), "a-b");
    }

    #[test]
    fn truncation_keeps_short_text_and_marks_cuts() {
        assert_eq!(truncate_chars("payments", 20), "payments");
        assert_eq!(truncate_chars("payments-database", 8), "payment…");
    }

    #[test]
    fn numbers_have_fixed_precision_and_availabilities_no_trailing_zeros() {
        assert_eq!(num(1.0 / 3.0), "0.3");
        assert_eq!(num(-0.01), "0.0");
        assert_eq!(num(f64::NAN), "0.0");
        assert_eq!(percent(99.95).as_deref(), Some("99.95%"));
        assert_eq!(percent(99.7).as_deref(), Some("99.7%"));
        assert_eq!(percent(99.99).as_deref(), Some("99.99%"));
        assert_eq!(percent(99.995).as_deref(), Some("99.995%"));
        assert_eq!(percent(f64::INFINITY), None);
        assert_eq!(whole_percent(0.777), "78%");
        assert_eq!(whole_percent(7.0), "100%");
    }
}
