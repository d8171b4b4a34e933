//! How availabilities are written, everywhere (pages, diagrams, messages):
//! as many decimals as the number needs and no more ("99.99%", never
//! "99.9900%"). A stated availability (an SLO, a dependency's figure) is
//! shown as written; a computed ceiling gets the fewest decimals that tell
//! it apart from its service's SLO, rounded down so that a ceiling under the
//! SLO never reads as meeting it.

/// The most decimals a stated availability is shown with.
pub const STATED_DECIMALS: u32 = 4;
/// The most decimals a ceiling is shown with, however close to its SLO.
pub const CEILING_DECIMALS: u32 = 6;
/// The decimals a ceiling gets at least when there is no SLO to compare.
const CEILING_MIN_DECIMALS: u32 = 2;
/// Below this, two availabilities (in percent) are the same figure.
const SAME: f64 = 1e-9;

/// A stated availability in percent, without the sign: 99.9 → "99.9",
/// 99.95 → "99.95", 99.0 → "99". Non-numbers are written "?".
pub fn availability(value: f64) -> String {
    if !value.is_finite() {
        return "?".to_string();
    }
    trimmed(value.clamp(0.0, 100.0), STATED_DECIMALS, Round::Nearest)
}

/// A computed ceiling in percent, without the sign, next to its SLO.
pub fn ceiling(value: f64, slo: Option<f64>) -> String {
    if !value.is_finite() {
        return "?".to_string();
    }
    let value = value.clamp(0.0, 100.0);
    let slo = slo.filter(|s| s.is_finite());
    let start = slo.map_or(CEILING_MIN_DECIMALS, decimals_of);
    let Some(slo) = slo.filter(|s| (s - value).abs() > SAME) else {
        return trimmed(value, start, Round::Down);
    };
    let decimals = (start..=CEILING_DECIMALS)
        .find(|&d| (round_to(value, d, Round::Down) - slo).abs() > SAME)
        .unwrap_or(CEILING_DECIMALS);
    trimmed(value, decimals, Round::Down)
}

/// How many decimals a stated figure needs (at most [`STATED_DECIMALS`]).
fn decimals_of(value: f64) -> u32 {
    (0..=STATED_DECIMALS)
        .find(|&d| (round_to(value, d, Round::Nearest) - value).abs() < SAME)
        .unwrap_or(STATED_DECIMALS)
}

#[derive(Clone, Copy)]
enum Round {
    Nearest,
    Down,
}

fn round_to(value: f64, decimals: u32, how: Round) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    match how {
        Round::Nearest => (value * scale).round() / scale,
        // The small nudge keeps 99.98 (stored as 99.97999…) at 99.98.
        Round::Down => (value * scale + 1e-6).floor() / scale,
    }
}

fn trimmed(value: f64, decimals: u32, how: Round) -> String {
    let text = format!("{:.*}", decimals as usize, round_to(value, decimals, how));
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_figures_keep_the_decimals_they_need_and_no_more() {
        assert_eq!(availability(99.99), "99.99");
        assert_eq!(availability(99.9), "99.9");
        assert_eq!(availability(99.999), "99.999");
        assert_eq!(availability(99.0), "99");
        assert_eq!(availability(99.123456), "99.1235");
        assert_eq!(availability(f64::NAN), "?");
    }

    #[test]
    fn a_ceiling_gets_the_fewest_decimals_that_tell_it_from_its_slo() {
        // 99.99 × 99.99 / 100 = 99.980001: two decimals tell it from 99.95.
        assert_eq!(ceiling(99.99 * 99.99 / 100.0, Some(99.95)), "99.98");
        // Just under the SLO: never shown as equal to it, nor rounded up.
        assert_eq!(ceiling(99.94996, Some(99.95)), "99.94");
        assert_eq!(ceiling(99.95004, Some(99.95)), "99.95004");
        // Equal to the SLO: the SLO's own figure.
        assert_eq!(ceiling(99.95, Some(99.95)), "99.95");
        // No SLO: two decimals, rounded down.
        assert_eq!(ceiling(99.9400399, None), "99.94");
        assert_eq!(ceiling(99.98, None), "99.98");
        assert_eq!(ceiling(99.9, Some(99.95)), "99.9");
    }
}
