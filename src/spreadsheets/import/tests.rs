use super::fields::code_of;
use super::*;
use crate::codes::{BondKind, DisbursementKind, InterestFrequency, TargetScope};

#[test]
fn codes_are_read_as_clerks_write_them() {
    let bond = |t: &str| code_of(t, BondKind::ALL, BondKind::label, BondKind::as_str);
    assert_eq!(bond("普通专项"), Some(BondKind::Special));
    assert_eq!(bond("项目收益专项债券"), Some(BondKind::ProjectRevenue));
    assert_eq!(bond("再融资"), Some(BondKind::Refinancing));
    assert_eq!(bond("专项"), None);
    let every = |t: &str| code_of(t, InterestFrequency::ALL, InterestFrequency::label, InterestFrequency::as_str);
    assert_eq!(
        [every("每半年"), every("年"), every("按年")].map(|f| f.map(|f| f.as_str())),
        [Some("SEMI_ANNUAL"), Some("ANNUAL"), Some("ANNUAL")]
    );
    let scope = |t: &str| code_of(t, TargetScope::ALL, TargetScope::label, TargetScope::as_str);
    assert_eq!(scope("长期"), Some(TargetScope::LongTerm));
    assert_eq!(code_of("付款", DisbursementKind::ALL, DisbursementKind::label, DisbursementKind::as_str), None);
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
}
