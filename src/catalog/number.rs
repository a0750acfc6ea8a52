//! JSON numbers compared by value, exactly.
//!
//! In: a number literal as JSON writes it (`7`, `-0.50`, `1e3`). Out: a
//! [`Number`] whose equality, hashing and order are those of the value it
//! denotes, at any size: `1`, `1.0` and `10e-1` are one number, and two
//! 30-digit ids that differ in their last digit stay two. Menu ids and
//! positions use it; a float would merge ids above 2^53.

use std::cmp::Ordering;
use std::fmt;

/// A decimal number: `digits × 10^exponent`, with `digits` free of leading
/// and trailing zeros (empty for zero, which is never negative).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Number {
    negative: bool,
    digits: Box<str>,
    exponent: i64,
}

/// Exponents beyond this are clamped; no catalog writes one.
const EXPONENT_LIMIT: i64 = 1 << 40;

impl Number {
    /// The value of a literal that follows the JSON number grammar, or
    /// `None` for any other text.
    pub fn parse(literal: &str) -> Option<Number> {
        let (negative, rest) = match literal.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, literal),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (rest.get(..at)?, Some(rest.get(at + 1..)?)),
            None => (rest, None),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (mantissa, ""),
        };
        let well_formed = !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && (whole == "0" || !whole.starts_with('0'))
            && (!mantissa.contains('.') || !fraction.is_empty())
            && fraction.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return None;
        }
        let mut exponent_value: i64 = 0;
        if let Some(exponent) = exponent {
            let (sign, digits) = match exponent.as_bytes().first() {
                Some(b'-') => (-1, exponent.get(1..)?),
                Some(b'+') => (1, exponent.get(1..)?),
                _ => (1, exponent),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            for digit in digits.bytes() {
                exponent_value = (exponent_value * 10 + i64::from(digit - b'0')).min(EXPONENT_LIMIT);
            }
            exponent_value *= sign;
        }
        let all_digits = format!("{whole}{fraction}");
        let fraction_len = i64::try_from(fraction.len()).unwrap_or(EXPONENT_LIMIT);
        let significant = all_digits.trim_start_matches('0');
        let trimmed = significant.trim_end_matches('0');
        let trailing = i64::try_from(significant.len() - trimmed.len()).unwrap_or(EXPONENT_LIMIT);
        if trimmed.is_empty() {
            return Some(Number {
                negative: false,
                digits: "".into(),
                exponent: 0,
            });
        }
        Some(Number {
            negative,
            digits: trimmed.into(),
            exponent: exponent_value - fraction_len + trailing,
        })
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Where the leading digit sits: the value's magnitude, for ordering.
    fn magnitude(&self) -> i64 {
        self.exponent + i64::try_from(self.digits.len()).unwrap_or(EXPONENT_LIMIT)
    }

    fn cmp_magnitude(&self, other: &Number) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // Without trailing zeros, digit strings at the same magnitude
            // compare as text: "12" (0.12…) < "123".
            (false, false) => self
                .magnitude()
                .cmp(&other.magnitude())
                .then_with(|| self.digits.cmp(&other.digits)),
        }
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Number) -> Ordering {
        let sign = |n: &Number| {
            if n.is_zero() {
                0
            } else if n.negative {
                -1
            } else {
                1
            }
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if self.negative => other.cmp_magnitude(self),
            Ordering::Equal => self.cmp_magnitude(other),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Plain decimal notation for numbers of ordinary size (`100`, `-0.5`),
/// `1.5e40` beyond.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        if self.negative {
            f.write_str("-")?;
        }
        let digits = &*self.digits;
        let magnitude = self.magnitude();
        if (0..=20).contains(&self.exponent) {
            write!(f, "{digits}{}", "0".repeat(usize::try_from(self.exponent).unwrap_or(0)))
        } else if self.exponent < 0 && magnitude > 0 {
            let point = usize::try_from(magnitude).unwrap_or(0);
            write!(
                f,
                "{}.{}",
                digits.get(..point).unwrap_or(""),
                digits.get(point..).unwrap_or("")
            )
        } else if self.exponent < 0 && magnitude > -6 {
            let zeros = usize::try_from(-magnitude).unwrap_or(0);
            write!(f, "0.{}{digits}", "0".repeat(zeros))
        } else {
            let (first, rest) = digits.split_at(1.min(digits.len()));
            let point = if rest.is_empty() { "" } else { "." };
            write!(f, "{first}{point}{rest}e{}", magnitude - 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number {
        match Number::parse(text) {
            Some(number) => number,
            None => panic!("{text} is a number"),
        }
    }

    #[test]
    fn equal_values_are_one_number() {
        assert_eq!(number("1"), number("1.0"));
        assert_eq!(number("1"), number("10e-1"));
        assert_eq!(number("100"), number("1e2"));
        assert_eq!(number("0"), number("-0.000"));
        assert_ne!(number("9007199254740993"), number("9007199254740992"));
    }

    #[test]
    fn orders_by_value() {
        let mut numbers: Vec<Number> = ["10", "-2", "0.5", "2", "-10", "0", "1e1", "123", "12.5", "-0.25"]
            .into_iter()
            .map(number)
            .collect();
        numbers.sort();
        let shown: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["-10", "-2", "-0.25", "0", "0.5", "2", "10", "10", "12.5", "123"]
        );
    }

    #[test]
    fn shows_huge_and_tiny_numbers_briefly() {
        assert_eq!(number("15e39").to_string(), "1.5e40");
        assert_eq!(number("1e-9").to_string(), "1e-9");
        assert_eq!(number("0.001").to_string(), "0.001");
        assert_eq!(
            number("1e999999999999999999999").to_string(),
            format!("1e{EXPONENT_LIMIT}")
        );
    }

    #[test]
    fn refuses_what_is_not_a_json_number() {
        for text in ["", "-", "01", "1.", ".5", "1e", "1e+", "0x1", "1_000", "+1", "Infinity"] {
            assert_eq!(Number::parse(text), None, "{text}");
        }
    }
}
