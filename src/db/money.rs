//! Money: yuan (元) exact to the fen (分).
//!
//! Stored as a BIGINT count of fen on both databases, because sea-orm reads a
//! SQLite `DECIMAL` column as a float (see stack-notes): integer fen stay exact,
//! and SQL `SUM` over them stays exact too.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::DeriveValueType;

/// Largest amount accepted: 99,999,999,999,999.99 元 (just under 100 trillion yuan).
/// It leaves room for sums of about 900 such amounts inside an `i64` of fen.
pub const MAX_FEN: i64 = 9_999_999_999_999_999;

/// An amount of money in fen. Negative only for correcting entries (红冲).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, DeriveValueType)]
pub struct Money(i64);

/// Why a text is not an amount of money; the message is meant for a clerk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("“{0}”不是金额(请以元为单位填写,最多两位小数,例如 7741600.00)")]
    NotANumber(String),
    #[error("“{0}”超过两位小数;金额记到分,不会被自动四舍五入")]
    TooPrecise(String),
    #[error("“{0}”超出可记录的最大金额(99999999999999.99 元)")]
    OutOfRange(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Exact conversion of a decimal amount of yuan; refuses over-precise or huge values.
    pub fn from_decimal(value: Decimal) -> Result<Self, MoneyError> {
        let text = value.to_string();
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooPrecise(text));
        }
        // A 27-digit amount overflows the multiplication: refused, never a panic.
        let fen = normalized
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or_else(|| MoneyError::OutOfRange(text.clone()))?
            .trunc()
            .to_string()
            .parse::<i64>()
            .map_err(|_| MoneyError::OutOfRange(text.clone()))?;
        if fen.abs() > MAX_FEN {
            return Err(MoneyError::OutOfRange(text));
        }
        Ok(Money(fen))
    }

    /// New money made by a formula (coupons, shares, unit conversion), rounded half up
    /// (四舍五入) to the fen. Saturates at the supported range rather than panic.
    pub fn round_half_up(yuan: Decimal) -> Money {
        let fen = (yuan * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let fen: i64 = fen.to_string().parse().unwrap_or(if fen.is_sign_negative() { -MAX_FEN } else { MAX_FEN });
        Money(fen.clamp(-MAX_FEN, MAX_FEN))
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Sum that cannot overflow silently: sums of valid amounts stay far inside `i64`.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

/// In the audit trail and other JSON: the same decimal string the API shows.
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Strictly `-?DIGITS(.D{1,2})?`, as the API documents it: no spaces, no `1.` or
    /// `.5`, no exponents or separators; more than two decimals is `TooPrecise`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text;
        let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
        let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
        let all_digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
            return Err(MoneyError::NotANumber(text.to_string()));
        }
        if fraction.is_some_and(|f| f.len() > 2) {
            return Err(MoneyError::TooPrecise(text.to_string()));
        }
        let value = Decimal::from_str(trimmed).map_err(|_| {
            if trimmed.chars().filter(|c| c.is_ascii_digit()).count() > 28 {
                MoneyError::OutOfRange(text.to_string())
            } else {
                MoneyError::NotANumber(text.to_string())
            }
        })?;
        Money::from_decimal(value).map_err(|e| match e {
            MoneyError::TooPrecise(_) => MoneyError::TooPrecise(text.to_string()),
            MoneyError::OutOfRange(_) => MoneyError::OutOfRange(text.to_string()),
            other => other,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_exactly() {
        for (text, fen) in [
            ("0.01", 1),
            ("7741600", 774_160_000),
            ("7741600.5", 774_160_050),
            ("12345678901234.56", 1_234_567_890_123_456),
            ("99999999999999.99", MAX_FEN),
            ("-3.10", -310),
        ] {
            let money: Money = text.parse().unwrap();
            assert_eq!(money.fen(), fen, "{text}");
        }
        assert_eq!(Money::from_fen(774_160_000).to_string(), "7741600.00");
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        // 27 digits: beyond the largest amount, refused rather than overflowing (it used to panic).
        for huge in ["123456789012345678901234567", "792281625142643375935439503.35"] {
            assert!(matches!(huge.parse::<Money>(), Err(MoneyError::OutOfRange(_))), "{huge}");
        }
        assert!(matches!(Money::from_decimal(Decimal::MAX), Err(MoneyError::OutOfRange(_))));
    }

    #[test]
    fn formulas_round_half_up() {
        assert_eq!(Money::round_half_up("0.005".parse().unwrap()).fen(), 1);
        assert_eq!(Money::round_half_up("0.0049".parse().unwrap()).fen(), 0);
        assert_eq!(Money::round_half_up("-0.005".parse().unwrap()).fen(), -1);
        assert_eq!(Money::round_half_up("9810000".parse().unwrap()).to_string(), "9810000.00");
    }

    #[test]
    fn refuses_rather_than_rounds() {
        assert!(matches!("0.001".parse::<Money>(), Err(MoneyError::TooPrecise(_))));
        assert!(matches!("100000000000000.00".parse::<Money>(), Err(MoneyError::OutOfRange(_))));
        assert!(matches!("1e5".parse::<Money>(), Err(MoneyError::NotANumber(_))));
        assert!(matches!("1,000".parse::<Money>(), Err(MoneyError::NotANumber(_))));
        assert!(matches!("".parse::<Money>(), Err(MoneyError::NotANumber(_))));
        assert!(matches!("999999999999999999999999999999999".parse::<Money>(), Err(MoneyError::OutOfRange(_))));
        // Two decimals at most, as the API documents money: "1.2300" is not an amount.
        assert!(matches!("1.2300".parse::<Money>(), Err(MoneyError::TooPrecise(_))));
        for loose in [" 1.00", "1.00 ", "1.", ".5", "-", "+1.00", "1.-5"] {
            assert!(matches!(loose.parse::<Money>(), Err(MoneyError::NotANumber(_))), "{loose:?}");
        }
        assert_eq!("-0.5".parse::<Money>().unwrap().fen(), -50);
    }
}
