//! Indicator targets as the forms write them (`≥2000人次`, `个体≥5% 企业≥3%`, `9 0%`,
//! `5个工作日完成`, `无差错`), parsed per domain.md §3, and attainment of an actual.
//! What cannot be parsed stays qualitative; parsing never fails.

use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    Quantity,
    Rate,
    Binary,
    Deadline,
    Qualitative,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    Ge,
    Gt,
    Eq,
    Lt,
    Le,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetPart {
    pub label: Option<String>,
    pub comparator: Option<Comparator>,
    pub value: Option<Decimal>,
    pub unit: Option<String>,
    /// For binary, date and qualitative targets: the text itself.
    pub text: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedTarget {
    pub kind: TargetKind,
    pub parts: Vec<TargetPart>,
}

impl ParsedTarget {
    /// Less is better: `LE`/`LT` targets, zero-targets and deadlines.
    pub fn negative(&self) -> bool {
        self.kind == TargetKind::Deadline
            || self.parts.iter().any(|p| matches!(p.comparator, Some(Comparator::Le | Comparator::Lt)))
    }

    /// A binary target met by a no: `否`, `无` (`是否发生质量事故 否`).
    pub fn met_by_no(&self) -> bool {
        self.kind == TargetKind::Binary && matches!(self.parts[0].text.as_deref(), Some("否" | "无"))
    }

    /// A zero-target (`0次`): any occurrence breaks it.
    pub fn zero_target(&self) -> bool {
        self.parts.len() == 1
            && self.parts[0].value == Some(Decimal::ZERO)
            && self.parts[0].comparator == Some(Comparator::Le)
    }
}

const BINARY_WORDS: &[&str] = &["是", "否", "无差错", "及时", "准时", "按时", "全覆盖", "合格", "达标"];
const YES_WORDS: &[&str] =
    &["是", "达成", "无差错", "及时", "准时", "按时", "合格", "达标", "完成", "全覆盖", "yes", "Yes"];
const NO_WORDS: &[&str] = &["否", "未达成", "不合格", "未完成", "不及时", "延误", "no", "No"];

/// Full-width digits and signs to ASCII, `≧ ≦ >= <=` to `≥ ≤`, spaces inside numbers removed.
pub fn normalise(text: &str) -> String {
    let mapped: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '％' => '%',
            '≧' => '≥',
            '≦' => '≤',
            '＞' => '>',
            '＜' => '<',
            '＝' => '=',
            '　' => ' ',
            c => c,
        })
        .collect();
    let mapped = mapped.replace(">=", "≥").replace("<=", "≤");
    // Drop spaces that stand between digits, a digit and %, or a sign and a digit.
    let chars: Vec<char> = mapped.chars().collect();
    let mut out = String::with_capacity(mapped.len());
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().find(|c| **c != ' ');
            let joins = |p: char, n: char| {
                (p.is_ascii_digit() || "≥≤<>=.".contains(p)) && (n.is_ascii_digit() || n == '%' || n == '.')
            };
            if let (Some(p), Some(n)) = (prev, next)
                && joins(p, *n)
            {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

/// Splits "≥2000人次" into (comparator, number, rest).
fn number_part(text: &str) -> Option<(Option<Comparator>, Decimal, String)> {
    let t = text.trim();
    let (comparator, rest) = match t.chars().next()? {
        '≥' => (Some(Comparator::Ge), &t['≥'.len_utf8()..]),
        '≤' => (Some(Comparator::Le), &t['≤'.len_utf8()..]),
        '>' => (Some(Comparator::Gt), &t[1..]),
        '<' => (Some(Comparator::Lt), &t[1..]),
        '=' => (Some(Comparator::Eq), &t[1..]),
        _ => (None, t),
    };
    let rest = rest.trim_start();
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let value: Decimal = rest[..end].parse().ok()?;
    Some((comparator, value, rest[end..].trim().to_string()))
}

fn date_target(text: &str) -> Option<NaiveDate> {
    let (y, rest) = text.split_once('年')?;
    let m = rest.trim_end_matches('底').strip_suffix('月')?;
    let (y, m): (i32, u32) = (y.trim().parse().ok()?, m.trim().parse().ok()?);
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    // The target is the end of that month.
    Some(crate::db::values::add_months(first, 1) - chrono::Duration::days(1))
}

/// Whether a text is a compound target: several pieces, each a label then a
/// comparator and a number (`个体≥5% 企业≥3%`, `男≥10人 女≥5人`).
fn is_compound(text: &str) -> bool {
    let pieces: Vec<&str> = text.split_whitespace().collect();
    pieces.len() > 1
        && pieces
            .iter()
            .all(|p| p.find(['≥', '≤', '>', '<', '=']).is_some_and(|at| at > 0 && number_part(&p[at..]).is_some()))
}

/// Parses a target text; none for an empty target or `/`. Spaces never lose a target
/// (§3): inside a number, a word, or between comparator, number and unit they are
/// dropped; only between the labelled parts of a compound target do they separate.
pub fn parse_target(raw: &str) -> Option<ParsedTarget> {
    let text = normalise(raw);
    if text.is_empty() || text == "/" || text == "／" || text == "-" {
        return None;
    }
    let text = if is_compound(&text) { text } else { text.split_whitespace().collect::<String>() };
    let qualitative = || ParsedTarget {
        kind: TargetKind::Qualitative,
        parts: vec![TargetPart { label: None, comparator: None, value: None, unit: None, text: Some(text.clone()) }],
    };
    if let Some(date) = date_target(&text) {
        let part = TargetPart {
            label: None,
            comparator: Some(Comparator::Le),
            value: None,
            unit: None,
            text: Some(date.to_string()),
        };
        return Some(ParsedTarget { kind: TargetKind::Deadline, parts: vec![part] });
    }
    if (BINARY_WORDS.iter().any(|w| text.starts_with(w)) || text == "无") && !text.chars().any(|c| c.is_ascii_digit())
    {
        let part = TargetPart {
            label: None,
            comparator: Some(Comparator::Eq),
            value: Some(Decimal::ONE),
            unit: None,
            text: Some(text.clone()),
        };
        return Some(ParsedTarget { kind: TargetKind::Binary, parts: vec![part] });
    }
    // Compound: several "label comparator number unit" pieces separated by spaces.
    if is_compound(&text) {
        let mut parts = Vec::new();
        for piece in text.split_whitespace() {
            let at = piece.find(['≥', '≤', '>', '<', '='])?;
            let (label, rest) = piece.split_at(at);
            let (comparator, value, unit) = number_part(rest)?;
            let unit = (!unit.is_empty()).then_some(unit);
            parts.push(TargetPart { label: Some(label.to_string()), comparator, value: Some(value), unit, text: None });
        }
        let kind =
            if parts.iter().all(|p| p.unit.as_deref() == Some("%")) { TargetKind::Rate } else { TargetKind::Quantity };
        return Some(ParsedTarget { kind, parts });
    }
    let Some((comparator, value, unit)) = number_part(&text) else {
        return Some(qualitative());
    };
    if ["个工作日", "工作日", "天", "日"].iter().any(|d| unit.starts_with(d)) {
        let unit = if unit.contains("工作日") { "工作日" } else { "天" };
        let part = TargetPart {
            label: None,
            comparator: Some(comparator.unwrap_or(Comparator::Le)),
            value: Some(value),
            unit: Some(unit.into()),
            text: None,
        };
        return Some(ParsedTarget { kind: TargetKind::Deadline, parts: vec![part] });
    }
    // A number followed by more words than a unit ("2022年完成…") is left for a person.
    if unit.chars().count() > 6 {
        return Some(qualitative());
    }
    let kind = if unit == "%" { TargetKind::Rate } else { TargetKind::Quantity };
    let comparator = comparator.unwrap_or(if value.is_zero() { Comparator::Le } else { Comparator::Ge });
    let part = TargetPart {
        label: None,
        comparator: Some(comparator),
        value: Some(value),
        unit: (!unit.is_empty()).then_some(unit),
        text: None,
    };
    Some(ParsedTarget { kind, parts: vec![part] })
}

/// The first number in an actual ("2100人次" → 2100, "93%" → 93).
pub fn actual_number(actual: &str) -> Option<Decimal> {
    let text = normalise(actual);
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let rest = &text[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The judgement's score: 达成 1.0, 部分达成 0.7, 未达成 0.3.
pub fn judgement_score(judgement: &str) -> Option<Decimal> {
    match judgement.trim() {
        "达成" => Some(Decimal::ONE),
        "部分达成" => Some(Decimal::new(7, 1)),
        "未达成" => Some(Decimal::new(3, 1)),
        _ => None,
    }
}

fn numeric_attainment(comparator: Comparator, target: Decimal, actual: Decimal) -> Decimal {
    let strict_cap = Decimal::new(99, 2);
    match comparator {
        Comparator::Ge | Comparator::Gt | Comparator::Eq => {
            let ratio = if target.is_zero() { Decimal::ONE } else { (actual / target).min(Decimal::ONE) };
            if comparator == Comparator::Gt && actual == target {
                ratio.min(strict_cap)
            } else {
                ratio.max(Decimal::ZERO)
            }
        }
        Comparator::Le | Comparator::Lt => {
            let ratio = if target.is_zero() {
                if actual > Decimal::ZERO { Decimal::ZERO } else { Decimal::ONE }
            } else if actual <= Decimal::ZERO {
                Decimal::ONE
            } else {
                (target / actual).min(Decimal::ONE)
            };
            if comparator == Comparator::Lt && actual == target { ratio.min(strict_cap) } else { ratio }
        }
    }
}

/// Attainment 0..1 of an actual against a target (domain.md §3); none when it
/// cannot be judged (a qualitative target without a judgement, an unreadable actual).
pub fn attainment(target: &ParsedTarget, actual: &str, judgement: Option<&str>) -> Option<Decimal> {
    let by_judgement = judgement.and_then(judgement_score);
    match target.kind {
        TargetKind::Qualitative => by_judgement,
        TargetKind::Binary => {
            let a = normalise(actual);
            // A `否` or `无` target is met by a no (§3: polarity).
            let (met, unmet) =
                if target.met_by_no() { (Decimal::ZERO, Decimal::ONE) } else { (Decimal::ONE, Decimal::ZERO) };
            if NO_WORDS.iter().any(|w| a.starts_with(w)) || a == "无" {
                Some(unmet)
            } else if YES_WORDS.iter().any(|w| a.starts_with(w)) {
                Some(met)
            } else {
                by_judgement
            }
        }
        TargetKind::Deadline => match (&target.parts[0].text, target.parts[0].value) {
            (Some(date), _) => {
                let due: NaiveDate = date.parse().ok()?;
                let done = date_target(&normalise(actual)).or_else(|| normalise(actual).parse().ok())?;
                Some(if done <= due { Decimal::ONE } else { Decimal::ZERO })
            }
            (None, Some(days)) => {
                // `<5个工作日` is strict like any LT.
                let comparator = target.parts[0].comparator.unwrap_or(Comparator::Le);
                actual_number(actual).map(|a| numeric_attainment(comparator, days, a)).or(by_judgement)
            }
            _ => by_judgement,
        },
        TargetKind::Quantity | TargetKind::Rate if target.parts.len() > 1 => {
            // Compound: each labelled part read from the actual ("个体6% 企业2%"), then the mean.
            let a = normalise(actual);
            let mut scores = Vec::new();
            for part in &target.parts {
                let label = part.label.as_deref()?;
                let at = a.find(label)? + label.len();
                let value = actual_number(&a[at..])?;
                scores.push(numeric_attainment(part.comparator?, part.value?, value));
            }
            Some(scores.iter().sum::<Decimal>() / Decimal::from(scores.len())).or(by_judgement)
        }
        TargetKind::Quantity | TargetKind::Rate => {
            let part = &target.parts[0];
            let (comparator, value) = (part.comparator?, part.value?);
            actual_number(actual).map(|a| numeric_attainment(comparator, value, a)).or(by_judgement)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn spaces_polarity_and_strict_comparators() {
        // Spaces inside or between comparator, number and unit never lose the target.
        for (text, kind, comparator, value, unit) in [
            ("≥2000 人次", TargetKind::Quantity, Comparator::Ge, "2000", "人次"),
            ("< 5 个工作日", TargetKind::Deadline, Comparator::Lt, "5", "工作日"),
            ("9 0%", TargetKind::Rate, Comparator::Ge, "90", "%"),
            ("> 80", TargetKind::Quantity, Comparator::Gt, "80", ""),
        ] {
            let t = parse_target(text).unwrap_or_else(|| panic!("{text} lost"));
            assert_eq!(
                (t.kind, t.parts[0].comparator, t.parts[0].value),
                (kind, Some(comparator), Some(d(value))),
                "{text}"
            );
            assert_eq!(t.parts[0].unit.as_deref().unwrap_or(""), unit, "{text}");
        }
        let words = parse_target("有较大 提升").unwrap();
        assert_eq!((words.kind, words.parts[0].text.as_deref()), (TargetKind::Qualitative, Some("有较大提升")));
        // Between the labelled parts of a compound target a space still separates them.
        let compound = parse_target("男≥10人 女≥5人").unwrap();
        assert_eq!(compound.parts.len(), 2);
        assert_eq!(compound.parts[1].label.as_deref(), Some("女"));
        // 否 and 无 targets are met by a no, and not by a yes.
        let no = parse_target("否").unwrap();
        assert!(no.met_by_no());
        assert_eq!(attainment(&no, "否", None), Some(Decimal::ONE));
        assert_eq!(attainment(&no, "是", None), Some(Decimal::ZERO));
        assert_eq!(attainment(&parse_target("无").unwrap(), "无", None), Some(Decimal::ONE));
        assert_eq!(attainment(&parse_target("是").unwrap(), "否", None), Some(Decimal::ZERO));
        // `<5个工作日` is strict: 5 days is not met (0.99 at most); 4 days is.
        let deadline = parse_target("<5个工作日").unwrap();
        assert_eq!(attainment(&deadline, "5个工作日", None), Some(d("0.99")));
        assert_eq!(attainment(&deadline, "4个工作日", None), Some(Decimal::ONE));
        // ≤5 days answered with 5: met.
        assert_eq!(attainment(&parse_target("5个工作日完成").unwrap(), "5", None), Some(Decimal::ONE));
    }

    /// Every distinct target text of the seed's forms, with its parse:
    /// (text, kind, comparator, value, unit). Qualitative ones carry no comparator.
    #[test]
    fn every_seed_target_parses() {
        use Comparator::*;
        use TargetKind::*;
        type Row = (&'static str, TargetKind, Option<Comparator>, Option<&'static str>, Option<&'static str>);
        let table: &[Row] = &[
            ("0%", Rate, Some(Le), Some("0"), Some("%")),
            ("0.0%", Rate, Some(Le), Some("0.0"), Some("%")),
            ("0次", Quantity, Some(Le), Some("0"), Some("次")),
            ("1 0 0%", Rate, Some(Ge), Some("100"), Some("%")),
            ("100%", Rate, Some(Ge), Some("100"), Some("%")),
            ("2022年12月", Deadline, Some(Le), None, None),
            ("20个", Quantity, Some(Ge), Some("20"), Some("个")),
            ("2400册", Quantity, Some(Ge), Some("2400"), Some("册")),
            ("3↑", Quantity, Some(Ge), Some("3"), Some("↑")),
            ("3个街道", Quantity, Some(Ge), Some("3"), Some("个街道")),
            ("4个街道", Quantity, Some(Ge), Some("4"), Some("个街道")),
            ("5 0%", Rate, Some(Ge), Some("50"), Some("%")),
            ("50张", Quantity, Some(Ge), Some("50"), Some("张")),
            ("5个工作日完成", Deadline, Some(Le), Some("5"), Some("工作日")),
            ("6个", Quantity, Some(Ge), Some("6"), Some("个")),
            ("780台", Quantity, Some(Ge), Some("780"), Some("台")),
            ("7项", Quantity, Some(Ge), Some("7"), Some("项")),
            ("80%", Rate, Some(Ge), Some("80"), Some("%")),
            ("9 0%", Rate, Some(Ge), Some("90"), Some("%")),
            ("90%", Rate, Some(Ge), Some("90"), Some("%")),
            ("90个工作日", Deadline, Some(Le), Some("90"), Some("工作日")),
            ("95%", Rate, Some(Ge), Some("95"), Some("%")),
            ("> 10000人次", Quantity, Some(Gt), Some("10000"), Some("人次")),
            ("> 80", Quantity, Some(Gt), Some("80"), None),
            ("> 90%", Rate, Some(Gt), Some("90"), Some("%")),
            (">10000人次", Quantity, Some(Gt), Some("10000"), Some("人次")),
            ("≥ 2000人次", Quantity, Some(Ge), Some("2000"), Some("人次")),
            ("≥ 50", Quantity, Some(Ge), Some("50"), None),
            ("≥ 90%", Rate, Some(Ge), Some("90"), Some("%")),
            ("≥10↑", Quantity, Some(Ge), Some("10"), Some("↑")),
            ("≥1375人", Quantity, Some(Ge), Some("1375"), Some("人")),
            ("≥2000人次", Quantity, Some(Ge), Some("2000"), Some("人次")),
            ("≥80", Quantity, Some(Ge), Some("80"), None),
            ("≥80%", Rate, Some(Ge), Some("80"), Some("%")),
            ("≥85%", Rate, Some(Ge), Some("85"), Some("%")),
            ("≥90%", Rate, Some(Ge), Some("90"), Some("%")),
            ("≧85%", Rate, Some(Ge), Some("85"), Some("%")),
            ("及时", Binary, Some(Eq), Some("1"), None),
            ("按时发放", Binary, Some(Eq), Some("1"), None),
            ("无差错", Binary, Some(Eq), Some("1"), None),
            ("是", Binary, Some(Eq), Some("1"), None),
        ];
        for (text, kind, comparator, value, unit) in table {
            let parsed = parse_target(text).unwrap_or_else(|| panic!("{text} parses"));
            assert_eq!(parsed.kind, *kind, "{text}");
            assert_eq!(parsed.parts.len(), 1, "{text}");
            let part = &parsed.parts[0];
            assert_eq!(part.comparator, *comparator, "{text}");
            assert_eq!(part.value, value.map(d), "{text}");
            assert_eq!(part.unit.as_deref(), *unit, "{text}");
        }
        let compound = parse_target("个体≥5% 企业≥3%").unwrap();
        assert_eq!(compound.kind, Rate);
        assert_eq!(
            compound.parts.iter().map(|p| (p.label.clone().unwrap(), p.value.unwrap())).collect::<Vec<_>>(),
            [("个体".into(), d("5")), ("企业".to_string(), d("3"))]
        );
        // Texts a person must judge: reported as qualitative, never an error.
        let qualitative = [
            "全市排名达到中等水平",
            "全面推进创建全省实验区",
            "具有可持续影响",
            "有助于",
            "有提升",
            "有效保障",
            "有较大提升",
            "稳步提升",
            "较好提升",
            "达到每年文件要求",
            "预算范围内",
        ];
        for text in qualitative {
            assert_eq!(parse_target(text).unwrap().kind, Qualitative, "{text}");
        }
        assert_eq!(table.len() + 1 + qualitative.len(), 53, "every distinct seed text is in the table");
        assert_eq!(parse_target("/"), None);
        assert_eq!(parse_target(""), None);
        assert_eq!(parse_target("２０００人次").unwrap().parts[0].value, Some(d("2000")), "full-width digits");
    }

    #[test]
    fn attainment_rules() {
        let t = parse_target("≥2000人次").unwrap();
        assert_eq!(attainment(&t, "1500人次", None), Some(d("0.75")));
        assert_eq!(attainment(&t, "2500人次", None), Some(Decimal::ONE));
        let gt = parse_target(">10000人次").unwrap();
        assert_eq!(attainment(&gt, "10000", None), Some(d("0.99")), "a strict target landing on the value is not met");
        let zero = parse_target("0次").unwrap();
        assert!(zero.zero_target() && zero.negative());
        assert_eq!(attainment(&zero, "1次", None), Some(Decimal::ZERO));
        assert_eq!(attainment(&zero, "0次", None), Some(Decimal::ONE));
        let yes = parse_target("是").unwrap();
        assert_eq!(attainment(&yes, "否", None), Some(Decimal::ZERO));
        let days = parse_target("5个工作日完成").unwrap();
        assert_eq!(days.kind, TargetKind::Deadline);
        assert_eq!(attainment(&days, "10个工作日", None), Some(d("0.5")));
        let q = parse_target("有较大提升").unwrap();
        assert_eq!(attainment(&q, "有提升", Some("部分达成")), Some(d("0.7")));
        assert_eq!(attainment(&q, "有提升", None), None);
        let compound = parse_target("个体≥5% 企业≥3%").unwrap();
        assert_eq!(attainment(&compound, "个体5% 企业1.5%", None), Some(d("0.75")));
    }
}
