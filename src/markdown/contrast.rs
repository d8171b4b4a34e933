//! Readable syntax colours: syntect's bundled themes paint some tokens at
//! 2.8:1 (light) and 3.9:1 (dark) against a code block's background, below
//! the 4.5:1 that WCAG AA asks of text. Each `color: #rrggbb` of a theme's
//! stylesheet is moved toward black (light theme) or white (dark theme), just
//! far enough to reach the target against every background it can sit on.

/// WCAG AA for normal text, with a little room for rounding in checkers.
pub const TARGET_RATIO: f64 = 4.6;

/// Backgrounds a token can sit on in light mode: the page's code block
/// (`--soft`), the theme's own and its diff highlights.
pub const LIGHT_BACKGROUNDS: &[&str] = &["#f4f6f9", "#ffffff", "#f5f5f5", "#eaffea", "#ffecec"];
/// The same in dark mode.
pub const DARK_BACKGROUNDS: &[&str] = &["#1c2028", "#14171d", "#2b303b"];

type Rgb = [u8; 3];

/// Rewrites every `color: #rrggbb` in `css` to reach [`TARGET_RATIO`]
/// against all of `backgrounds`, darkening when `darken` else lightening.
/// Other declarations (including `background-color`) are left as they are.
pub fn readable_colours(css: &str, backgrounds: &[&str], darken: bool) -> String {
    let backgrounds: Vec<Rgb> = backgrounds.iter().filter_map(|b| parse_hex(b)).collect();
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    const KEY: &str = "color: #";
    while let Some(at) = rest.find(KEY) {
        let is_background = rest[..at].ends_with("background-");
        out.push_str(&rest[..at + KEY.len() - 1]);
        rest = &rest[at + KEY.len() - 1..];
        let hex = rest.get(..7).unwrap_or("");
        match parse_hex(hex) {
            Some(colour) if !is_background => {
                let fixed = adjust(colour, &backgrounds, darken);
                out.push_str(&format!(
                    "#{:02x}{:02x}{:02x}",
                    fixed[0], fixed[1], fixed[2]
                ));
                rest = &rest[7..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

fn parse_hex(text: &str) -> Option<Rgb> {
    let digits = text.strip_prefix('#')?;
    if digits.len() != 6 || !digits.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// Mixes `colour` toward black or white in small steps until it reads.
fn adjust(colour: Rgb, backgrounds: &[Rgb], darken: bool) -> Rgb {
    let target = if darken { 0.0 } else { 255.0 };
    (0..=100)
        .map(|step| {
            let t = f64::from(step) / 100.0;
            colour.map(|c| (f64::from(c) + (target - f64::from(c)) * t).round() as u8)
        })
        .find(|c| backgrounds.iter().all(|b| contrast(*c, *b) >= TARGET_RATIO))
        .unwrap_or(if darken { [0, 0, 0] } else { [255, 255, 255] })
}

/// The WCAG contrast ratio of two colours.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn luminance(colour: Rgb) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(colour[0]) + 0.7152 * linear(colour[1]) + 0.0722 * linear(colour[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text colours of `css` (not its background colours).
    fn colours(css: &str) -> Vec<Rgb> {
        let pieces: Vec<&str> = css.split("color: ").collect();
        pieces
            .windows(2)
            .filter(|w| !w[0].ends_with("background-"))
            .filter_map(|w| parse_hex(w[1].get(..7)?))
            .collect()
    }

    #[test]
    fn pale_tokens_are_darkened_until_they_read_on_every_light_background() {
        // #969896 is InspiredGitHub's comment grey: 2.8:1 on the code block.
        let css = ".hl-comment {\n color: #969896;\n}\n.hl-code { background-color: #ffffff; }";
        let fixed = readable_colours(css, LIGHT_BACKGROUNDS, true);
        assert!(fixed.contains("background-color: #ffffff"), "{fixed}");
        for c in colours(&fixed) {
            for b in LIGHT_BACKGROUNDS {
                assert!(contrast(c, parse_hex(b).unwrap()) >= 4.5, "{c:?} on {b}");
            }
        }
    }

    #[test]
    fn the_bundled_themes_pass_after_the_rewrite() {
        let css = crate::markdown::Highlighter::css();
        let (light, dark) = css
            .split_once("@media screen and (prefers-color-scheme: dark)")
            .unwrap();
        for (part, backgrounds) in [(light, LIGHT_BACKGROUNDS), (dark, DARK_BACKGROUNDS)] {
            for c in colours(part) {
                for b in backgrounds {
                    let ratio = contrast(c, parse_hex(b).unwrap());
                    assert!(ratio >= 4.5, "{c:?} on {b}: {ratio:.2}");
                }
            }
        }
    }

    #[test]
    fn malformed_colours_are_left_alone() {
        let css = "a { color: #zz; } b { color: red; } c { color: #12345";
        assert_eq!(readable_colours(css, LIGHT_BACKGROUNDS, true), css);
    }
}
