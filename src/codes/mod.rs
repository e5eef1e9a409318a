//! The stored codes that are not one domain's own, each an enum with its one Chinese
//! label: what pages, reports, exports, digests and imports show and read. The store and
//! the API keep the codes (`"WAIVED"`); nobody shows one to a clerk.

pub mod catalogue;

pub use catalogue::{Dimension, Severity};

/// An enum of stored codes, each with its label.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code as stored and as the API names it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The one Chinese label.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            pub fn parse(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == code)
            }

            /// A code as typed by a clerk: its label, or the code itself.
            pub fn from_label(text: &str) -> Option<$name> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.label() == t || v.as_str() == t)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
pub(crate) use codes;

/// The label of a stored code, for a table cell: an unknown code is shown as it is
/// stored, never as a blank.
pub fn label_or_code<T: Copy>(stored: &str, parse: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> String {
    parse(stored).map(label).map_or_else(|| stored.to_string(), str::to_string)
}

codes!(
    /// An alert's life (domain.md §7).
    AlertStatus {
        Open = "OPEN", "待处理";
        Acknowledged = "ACKNOWLEDGED", "已确认";
        Waived = "WAIVED", "已豁免";
        Resolved = "RESOLVED", "已解除";
    }
);

codes!(
    /// A step of an alert's life, as its history lists it.
    AlertEvent {
        Raised = "RAISED", "发现";
        Updated = "UPDATED", "等级变化";
        Acknowledged = "ACKNOWLEDGED", "确认";
        Waived = "WAIVED", "豁免";
        Reopened = "REOPENED", "重新打开";
        Resolved = "RESOLVED", "解除";
    }
);

codes!(
    /// 优 良 中 差 at 90 / 80 / 60.
    Grade {
        Excellent = "EXCELLENT", "优";
        Good = "GOOD", "良";
        Fair = "FAIR", "中";
        Poor = "POOR", "差";
    }
);

codes!(
    /// An ex-ante assessment's conclusion (财预〔2021〕61号), stored as written.
    Conclusion {
        Support = "予以支持", "予以支持";
        SupportAfterChanges = "调整完善后予以支持", "调整完善后予以支持";
        Reject = "不予支持", "不予支持";
    }
);

codes!(
    /// A scheduled job's run: claimed and running, then one of the three ends.
    JobStatus {
        Running = "RUNNING", "运行中";
        Succeeded = "SUCCEEDED", "成功";
        Failed = "FAILED", "失败";
        Skipped = "SKIPPED", "跳过";
    }
);

codes!(
    /// The kinds of special-purpose bond.
    BondKind {
        Special = "SPECIAL", "普通专项债券";
        ProjectRevenue = "PROJECT_REVENUE", "项目收益专项债券";
        Refinancing = "REFINANCING", "再融资专项债券";
    }
);

codes!(
    InterestFrequency {
        Annual = "ANNUAL", "按年";
        SemiAnnual = "SEMI_ANNUAL", "按半年";
    }
);

codes!(
    /// 拨付: treasury to the project unit; 支出: project unit to the final payee.
    DisbursementKind {
        Transfer = "TRANSFER", "拨付";
        Payment = "PAYMENT", "支出";
    }
);

codes!(
    TargetScope {
        Annual = "ANNUAL", "年度目标";
        LongTerm = "LONG_TERM", "长期目标";
    }
);

codes!(
    /// The weights an evaluation uses: chosen by the project's status at the year's end.
    Profile {
        Construction = "construction", "建设期";
        Operating = "operating", "运营期";
    }
);

codes!(
    /// A rectification's life (domain.md §9).
    RectificationStatus {
        Open = "OPEN", "待整改";
        Submitted = "SUBMITTED", "已提交待审核";
        Accepted = "ACCEPTED", "整改到位";
        Returned = "RETURNED", "已退回";
    }
);

codes!(
    /// A step of a rectification's life, as its history lists it.
    RectificationStep {
        Opened = "OPENED", "下达整改";
        Submitted = "SUBMITTED", "提交整改情况";
        Accepted = "ACCEPTED", "审核通过(整改到位)";
        Returned = "RETURNED", "退回重新整改";
    }
);

codes!(
    /// Where a rectification came from.
    RectificationSource {
        Evaluation = "EVALUATION", "绩效评价";
        Alert = "ALERT", "预警";
        Office = "OFFICE", "债务管理部门发现";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_read_both_ways() {
        assert_eq!(AlertStatus::parse("WAIVED").map(AlertStatus::label), Some("已豁免"));
        assert_eq!(DisbursementKind::from_label(" 拨付 "), Some(DisbursementKind::Transfer));
        assert_eq!(DisbursementKind::from_label("PAYMENT"), Some(DisbursementKind::Payment));
        assert_eq!(DisbursementKind::from_label("付款"), None);
        assert_eq!(label_or_code("GOOD", Grade::parse, Grade::label), "良");
        assert_eq!(label_or_code("ODD", Grade::parse, Grade::label), "ODD");
        // Every label is Chinese and distinct within its code.
        for labels in [
            AlertStatus::ALL.iter().map(|c| c.label()).collect::<Vec<_>>(),
            Grade::ALL.iter().map(|c| c.label()).collect(),
            BondKind::ALL.iter().map(|c| c.label()).collect(),
            Profile::ALL.iter().map(|c| c.label()).collect(),
        ] {
            let distinct: std::collections::BTreeSet<_> = labels.iter().collect();
            assert_eq!(distinct.len(), labels.len());
            assert!(labels.iter().all(|l| !l.is_ascii()));
        }
    }
}
