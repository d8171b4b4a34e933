//! Risk rule conditions: parsed, and checked for rules that can never be true.
//!
//! A condition is `default` or a Boolean expression over the question's
//! choice ids with `&&`, `||`, `!` and parentheses. The first rule whose
//! condition holds gives the question's risk, so a rule whose condition no
//! set of choices satisfies (`a && !a`, `a && none_no`, an unknown choice id)
//! is dead weight that a lens author did not mean.

use std::collections::BTreeMap;

/// Deepest nesting of parentheses and `!` read; deeper is refused, not recursed into.
const MAX_DEPTH: usize = 64;
/// Most distinct choices tried exhaustively (2^16 sets); the format allows 15.
const MAX_TRIED: usize = 16;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Choice(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn eval(&self, selected: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Choice(id) => selected(id),
            Expr::Not(e) => !e.eval(selected),
            Expr::And(a, b) => a.eval(selected) && b.eval(selected),
            Expr::Or(a, b) => a.eval(selected) || b.eval(selected),
        }
    }

    fn choices<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Choice(id) => {
                if !out.contains(&id.as_str()) {
                    out.push(id);
                }
            }
            Expr::Not(e) => e.choices(out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.choices(out);
                b.choices(out);
            }
        }
    }
}

/// `true` for the catch-all condition (`default`, in any case, spaces around allowed).
pub fn is_default(condition: &str) -> bool {
    condition.trim().eq_ignore_ascii_case("default")
}

/// Parses a condition; the error says what is wrong with it.
pub fn parse(condition: &str) -> Result<Expr, String> {
    let tokens = tokenize(condition)?;
    let mut parser = Parser { tokens, at: 0 };
    let expr = parser.or(0)?;
    match parser.tokens.get(parser.at) {
        None => Ok(expr),
        Some(t) => Err(format!("unexpected `{}`", t.text())),
    }
}

/// The choice ids `expr` names that are not choices of the question.
pub fn unknown_choices(expr: &Expr, known: &[&str]) -> Vec<String> {
    let mut named = Vec::new();
    expr.choices(&mut named);
    named
        .into_iter()
        .filter(|id| !known.contains(id))
        .map(str::to_string)
        .collect()
}

/// `Some(true)` when some set of choices a reviewer can select makes `expr`
/// true, `Some(false)` when none does, `None` when it names too many choices
/// to try. Unknown choices are never selected; a "None of these" choice
/// (`none`) is selected only alone.
pub fn satisfiable(expr: &Expr, known: &[&str], none: &[&str]) -> Option<bool> {
    let mut named = Vec::new();
    expr.choices(&mut named);
    named.retain(|id| known.contains(id));
    if named.len() > MAX_TRIED {
        return None;
    }
    for bits in 0u32..(1u32 << named.len()) {
        let chosen: BTreeMap<&str, bool> = named
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, bits & (1 << i) != 0))
            .collect();
        let picked_none = chosen.iter().any(|(id, on)| *on && none.contains(id));
        if picked_none && chosen.values().filter(|on| **on).count() > 1 {
            continue;
        }
        if expr.eval(&|id| chosen.get(id).copied().unwrap_or(false)) {
            return Some(true);
        }
    }
    Some(false)
}

/// `Some(true)` when every set of choices a reviewer can select makes `expr`
/// true (`a || !a`): the rules after it are never reached.
pub fn always_true(expr: &Expr, known: &[&str], none: &[&str]) -> Option<bool> {
    let negated = Expr::Not(Box::new(expr.clone()));
    satisfiable(&negated, known, none).map(|sat| !sat)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Id(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

impl Token {
    fn text(&self) -> &str {
        match self {
            Token::Id(id) => id,
            Token::And => "&&",
            Token::Or => "||",
            Token::Not => "!",
            Token::Open => "(",
            Token::Close => ")",
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '!' => tokens.push(Token::Not),
            '&' | '|' => {
                if chars.next() != Some(c) {
                    return Err(format!("`{c}` alone: write `{c}{c}`"));
                }
                tokens.push(if c == '&' { Token::And } else { Token::Or });
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut id = String::from(c);
                while let Some(&n) = chars.peek() {
                    if !(n.is_ascii_alphanumeric() || n == '_') {
                        break;
                    }
                    id.push(n);
                    chars.next();
                }
                tokens.push(Token::Id(id));
            }
            other => {
                return Err(format!(
                    "`{}` is not part of a condition",
                    other.escape_debug()
                ))
            }
        }
    }
    if tokens.is_empty() {
        return Err("the condition is empty".to_string());
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn peek_is(&self, token: &Token) -> bool {
        self.tokens.get(self.at) == Some(token)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.and(depth)?;
        while self.peek_is(&Token::Or) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and(depth)?));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, String> {
        let mut left = self.unary(depth)?;
        while self.peek_is(&Token::And) {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary(depth)?));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        match self.next() {
            Some(Token::Not) => Ok(Expr::Not(Box::new(self.unary(depth + 1)?))),
            Some(Token::Open) => {
                let inner = self.or(depth + 1)?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("a `(` is not closed".to_string()),
                }
            }
            Some(Token::Id(id)) => Ok(Expr::Choice(id)),
            Some(other) => Err(format!("unexpected `{}`", other.text())),
            None => Err("the condition ends too early".to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["a", "b", "c", "x_no"];

    fn sat(condition: &str) -> Option<bool> {
        satisfiable(&parse(condition).unwrap(), KNOWN, &["x_no"])
    }

    #[test]
    fn reads_the_guide_example() {
        let e = parse("((a || b) && c) || (!a && c)").unwrap();
        assert!(unknown_choices(&e, KNOWN).is_empty());
        assert_eq!(sat("((a || b) && c) || (!a && c)"), Some(true));
    }

    #[test]
    fn finds_conditions_that_never_hold() {
        assert_eq!(sat("a && !a"), Some(false));
        assert_eq!(sat("a && x_no"), Some(false));
        assert_eq!(sat("ghost"), Some(false));
        assert_eq!(sat("!ghost"), Some(true));
        assert_eq!(sat("x_no"), Some(true));
    }

    #[test]
    fn finds_conditions_that_always_hold() {
        let always = |c: &str| always_true(&parse(c).unwrap(), KNOWN, &["x_no"]);
        assert_eq!(always("a || !a"), Some(true));
        assert_eq!(always("!(a && x_no)"), Some(true));
        assert_eq!(always("a || b"), Some(false));
    }

    #[test]
    fn refuses_what_is_not_a_condition() {
        assert!(parse("a & b").is_err());
        assert!(parse("(a").is_err());
        assert!(parse("a b").is_err());
        assert!(parse("").is_err());
        assert!(parse("a; rm -rf").is_err());
        assert!(parse(&"!".repeat(10_000)).is_err());
        assert!(parse(&format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000))).is_err());
        assert!(is_default(" Default "));
    }
}
