//! The clerk's forms: each a list of fields and the API mutation it runs, shown on the
//! page it belongs to only to a viewer the API would let run it (its policy, and a
//! REPORTER's own department). A post is checked here for what a browser cannot
//! (required cells, amounts exact to the fen), then goes through the same mutation, so
//! the same services and rules decide; refused, the page comes back with what was typed
//! and the reason beside the field, and nothing is written. Every form carries a key
//! made when it was shown: a second post with it (a double click, back and resubmit)
//! records nothing more.

use std::collections::HashMap;

use maud::{Markup, html};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::Refusal;

/// What a field holds and how it is sent to the API.
pub enum Kind {
    Text,
    Area,
    Date,
    Month,
    /// A percent or another decimal, sent as typed.
    Number,
    /// An amount typed in 万元, sent in yuan, converted exactly.
    Wan,
    /// An amount typed in 元.
    Yuan,
    /// One of fixed choices: (code, label).
    Fixed(&'static [(&'static str, &'static str)]),
    /// One of the page's own choices (its bonds, its payments …), by name.
    Listed(&'static str),
    /// A debt-service line of the page, `bond|due date`: sent as `bondCode` and `dueDate`.
    Line,
}

pub struct Field {
    /// The mutation's variable (and the API's field name in its errors).
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn field(name: &'static str, label: &'static str, kind: Kind, required: bool) -> Field {
    Field { name, label, kind, required }
}

impl Field {
    /// The API's field names this input stands for.
    fn names(&self) -> &[&'static str] {
        match self.kind {
            Kind::Line => &["bondCode", "dueDate"],
            _ => std::slice::from_ref(&self.name),
        }
    }
}

pub struct Form {
    /// In its address: `POST /projects/{code}/record/{id}`.
    pub id: &'static str,
    pub title: &'static str,
    /// The mutation's root field: who may use the form is who may call it.
    pub mutation: &'static str,
    /// The GraphQL text: `$project` is the page's project, each field a variable.
    pub document: &'static str,
    pub fields: &'static [Field],
    /// Recorded by the debt office (the treasury) alone, though the mutation serves
    /// others too: a department may record its payments, not the transfers to it.
    pub office_only: bool,
}

impl Form {
    /// May this viewer use the form on a project of `department`?
    pub fn usable_by(&self, viewer: &super::layout::Viewer, department: &str) -> bool {
        viewer.may(self.mutation, Some(department))
            && (!self.office_only || viewer.caller.role == crate::auth::Role::Admin)
    }
}

const JUDGEMENTS: &[(&str, &str)] = &[("达成", "达成"), ("部分达成", "部分达成"), ("未达成", "未达成")];

/// The forms of a project's page, in the order a project's life uses them.
pub const PROJECT_FORMS: &[Form] = &[
    Form {
        id: "receipt",
        title: "到账(债券资金到达国库)",
        mutation: "recordReceipt",
        office_only: false,
        document: "mutation($project: String!, $bondCode: String!, $amount: Money!, $receivedOn: Date!) {
            recordReceipt(input: {projectCode: $project, bondCode: $bondCode, amount: $amount, receivedOn: $receivedOn}) { received } }",
        fields: &[
            field("bondCode", "债券", Kind::Listed("bonds"), true),
            field("amount", "到账金额(万元)", Kind::Wan, true),
            field("receivedOn", "到账日期", Kind::Date, true),
        ],
    },
    Form {
        id: "transfer",
        title: "拨付(国库→项目单位)",
        mutation: "recordDisbursement",
        office_only: true,
        document: "mutation($project: String!, $bondCode: String, $paidOn: Date!, $amount: Money!, $payee: String!, $economicClass: String!, $voucherNo: String, $key: String) {
            recordDisbursement(input: {projectCode: $project, bondCode: $bondCode, kind: TRANSFER, paidOn: $paidOn, amount: $amount,
              payee: $payee, economicClass: $economicClass, voucherNo: $voucherNo}, idempotencyKey: $key) { id } }",
        fields: &[
            field("bondCode", "债券", Kind::Listed("bonds"), false),
            field("amount", "金额(元)", Kind::Yuan, true),
            field("paidOn", "拨付日期", Kind::Date, true),
            field("payee", "收款单位(项目单位)", Kind::Text, true),
            field("economicClass", "支出经济分类", Kind::Text, true),
            field("voucherNo", "凭证号", Kind::Text, false),
        ],
    },
    Form {
        id: "payment",
        title: "支出(项目单位→最终收款人)",
        mutation: "recordDisbursement",
        office_only: false,
        document: "mutation($project: String!, $bondCode: String, $paidOn: Date!, $amount: Money!, $payee: String!, $economicClass: String!, $voucherNo: String, $key: String) {
            recordDisbursement(input: {projectCode: $project, bondCode: $bondCode, kind: PAYMENT, paidOn: $paidOn, amount: $amount,
              payee: $payee, economicClass: $economicClass, voucherNo: $voucherNo}, idempotencyKey: $key) { id } }",
        fields: &[
            field("bondCode", "债券", Kind::Listed("bonds"), false),
            field("amount", "金额(元)", Kind::Yuan, true),
            field("paidOn", "支付日期", Kind::Date, true),
            field("payee", "收款单位", Kind::Text, true),
            field("economicClass", "支出经济分类", Kind::Text, true),
            field("voucherNo", "凭证号", Kind::Text, false),
        ],
    },
    Form {
        id: "reversal",
        title: "红冲(冲销一笔拨付或支出)",
        mutation: "reverseDisbursement",
        office_only: false,
        document: "mutation($id: ID!, $reason: String!) { reverseDisbursement(id: $id, reason: $reason) { id } }",
        fields: &[
            field("id", "被冲销的记录", Kind::Listed("disbursements"), true),
            field("reason", "红冲原因", Kind::Area, true),
        ],
    },
    Form {
        id: "progress",
        title: "月度进度(双监控)",
        mutation: "recordProgress",
        office_only: false,
        document: "mutation($project: String!, $period: String!, $plannedPercent: Decimal!, $actualPercent: Decimal!, $submittedOn: Date, $note: String) {
            recordProgress(input: {projectCode: $project, period: $period, plannedPercent: $plannedPercent, actualPercent: $actualPercent,
              submittedOn: $submittedOn, note: $note}) { period } }",
        fields: &[
            field("period", "月份", Kind::Month, true),
            field("plannedPercent", "计划进度(%)", Kind::Number, true),
            field("actualPercent", "实际进度(%)", Kind::Number, true),
            field("submittedOn", "报送日期(默认今天)", Kind::Date, false),
            field("note", "说明", Kind::Area, false),
        ],
    },
    Form {
        id: "revenue",
        title: "收益",
        mutation: "recordRevenue",
        office_only: false,
        document: "mutation($project: String!, $period: String!, $source: String!, $collected: Money!, $transferred: Money!, $collectedOn: Date, $transferredOn: Date, $key: String) {
            recordRevenue(input: {projectCode: $project, period: $period, source: $source, collected: $collected, transferred: $transferred,
              collectedOn: $collectedOn, transferredOn: $transferredOn}, idempotencyKey: $key) { id } }",
        fields: &[
            field("period", "月份", Kind::Month, true),
            field("source", "收益来源", Kind::Text, true),
            field("collected", "收取金额(元)", Kind::Yuan, true),
            field("collectedOn", "收取日期", Kind::Date, false),
            field("transferred", "转入专户金额(元,未转入填 0)", Kind::Yuan, true),
            field("transferredOn", "转入日期", Kind::Date, false),
        ],
    },
    Form {
        id: "revenue-reversal",
        title: "收益红冲",
        mutation: "reverseRevenue",
        office_only: false,
        document: "mutation($id: ID!, $reason: String!) { reverseRevenue(id: $id, reason: $reason) { id } }",
        fields: &[
            field("id", "被冲销的收益", Kind::Listed("revenue"), true),
            field("reason", "红冲原因", Kind::Area, true),
        ],
    },
    Form {
        id: "indicator",
        title: "指标实际值",
        mutation: "recordIndicatorActual",
        office_only: false,
        document: "mutation($indicatorId: ID!, $period: String!, $actual: String!, $judgement: String) {
            recordIndicatorActual(input: {indicatorId: $indicatorId, period: $period, actual: $actual, judgement: $judgement}) { id } }",
        fields: &[
            field("indicatorId", "指标", Kind::Listed("indicators"), true),
            field("period", "期间(YYYY 或 YYYY-MM)", Kind::Text, true),
            field("actual", "实际值", Kind::Text, true),
            field("judgement", "评判(定性指标必填)", Kind::Fixed(JUDGEMENTS), false),
        ],
    },
    Form {
        id: "debt-service",
        title: "还本付息",
        mutation: "recordDebtServicePayment",
        office_only: false,
        document: "mutation($project: String!, $bondCode: String!, $dueDate: Date!, $amount: Money!, $paidOn: Date!, $refinancingBondCode: String, $refinancedAmount: Money) {
            recordDebtServicePayment(input: {bondCode: $bondCode, projectCode: $project, dueDate: $dueDate, amount: $amount, paidOn: $paidOn,
              refinancingBondCode: $refinancingBondCode, refinancedAmount: $refinancedAmount}) { paid } }",
        fields: &[
            field("line", "应还本息", Kind::Line, true),
            field("amount", "还款金额(万元)", Kind::Wan, true),
            field("paidOn", "还款日期", Kind::Date, true),
            field("refinancingBondCode", "再融资债券编码(以再融资偿还时)", Kind::Text, false),
            field("refinancedAmount", "其中再融资偿还(万元)", Kind::Wan, false),
        ],
    },
    Form {
        id: "adjustment",
        title: "用途调整(调出到其他项目)",
        mutation: "adjustUse",
        office_only: false,
        document: "mutation($project: String!, $bondCode: String!, $toProjectCode: String!, $amount: Money!, $reason: String!, $approvedOn: Date!) {
            adjustUse(input: {bondCode: $bondCode, fromProjectCode: $project, toProjectCode: $toProjectCode, amount: $amount,
              reason: $reason, approvedOn: $approvedOn}) { id } }",
        fields: &[
            field("bondCode", "债券", Kind::Listed("bonds"), true),
            field("toProjectCode", "调入项目编码", Kind::Text, true),
            field("amount", "调整金额(万元)", Kind::Wan, true),
            field("reason", "调整原因", Kind::Area, true),
            field("approvedOn", "批准日期", Kind::Date, true),
        ],
    },
    Form {
        id: "status",
        title: "项目状态变更",
        mutation: "setProjectStatus",
        office_only: false,
        document: "mutation($project: String!, $status: ProjectStatus!, $effectiveOn: Date, $note: String) {
            setProjectStatus(code: $project, status: $status, effectiveOn: $effectiveOn, note: $note) { status } }",
        fields: &[
            field("status", "新状态", Kind::Listed("statuses"), true),
            field("effectiveOn", "生效日期(默认今天;如实际开工日)", Kind::Date, false),
            field("note", "说明", Kind::Area, false),
        ],
    },
];

pub fn project_form(id: &str) -> Option<&'static Form> {
    PROJECT_FORMS.iter().find(|f| f.id == id)
}

/// The page's own choices for `Listed` fields and lines: (value, text) by name.
pub type Choices = HashMap<&'static str, Vec<(String, String)>>;

/// What a clerk typed in a form that was refused, and why; shown again as it was.
#[derive(Default)]
pub struct Draft {
    /// The form it belongs to.
    pub form: &'static str,
    pub values: HashMap<String, String>,
    pub refusal: Option<Refusal>,
}

impl Draft {
    pub fn value(&self, form: &str, name: &str) -> &str {
        if self.form == form { self.values.get(name).map(String::as_str).unwrap_or("") } else { "" }
    }

    /// The reason beside an input, when the refusal names it (or one of the API fields it stands for).
    pub fn beside(&self, form: &str, input: &str, names: &[&str]) -> Markup {
        match &self.refusal {
            Some(r) if self.form == form && (r.names(input) || names.iter().any(|n| r.names(n))) => {
                html! { span.invalid role="alert" data-field=(input) { (r.message) } }
            }
            _ => html! {},
        }
    }

    /// The reason atop a form, when it names none of its inputs.
    pub fn atop(&self, form: &str, inputs: &[&str]) -> Markup {
        match &self.refusal {
            Some(r) if self.form == form && !inputs.iter().any(|i| r.names(i)) => {
                html! { p.problem role="alert" { (r.message) } }
            }
            _ => html! {},
        }
    }
}

/// A form as shown: folded unless it is the one being corrected; its key is the draft's
/// (a corrected form is still the same submission) or a new one.
pub fn render(form: &Form, action: &str, choices: &Choices, draft: &Draft) -> Markup {
    let key = match draft.value(form.id, "formKey") {
        "" => crate::db::once::new_key(),
        k => k.to_string(),
    };
    let inputs: Vec<&str> =
        form.fields.iter().flat_map(|f| std::iter::once(f.name).chain(f.names().iter().copied())).collect();
    html! {
        details.record id={"form-" (form.id)} open[draft.form == form.id] {
            summary { (form.title) }
            form.record method="post" action=(action) {
                input type="hidden" name="formKey" value=(key);
                (draft.atop(form.id, &inputs))
                @for f in form.fields {
                    @let v = draft.value(form.id, f.name);
                    label {
                        (f.label) @if f.required { span.required { "*" } }
                        (input(f, v, choices))
                        (draft.beside(form.id, f.name, f.names()))
                    }
                }
                button type="submit" { "记录" }
            }
        }
    }
}

fn input(f: &Field, value: &str, choices: &Choices) -> Markup {
    let options = |list: Vec<(String, String)>| {
        html! {
            select name=(f.name) required[f.required] {
                option value="" { "请选择" }
                @for (code, text) in &list { option value=(code) selected[code == value] { (text) } }
            }
        }
    };
    match &f.kind {
        Kind::Text => html! { input type="text" name=(f.name) value=(value) required[f.required] maxlength="500"; },
        Kind::Area => html! { textarea name=(f.name) rows="2" maxlength="2000" required[f.required] { (value) } },
        Kind::Date => html! { input type="date" name=(f.name) value=(value) required[f.required]; },
        Kind::Month => {
            html! { input type="month" name=(f.name) value=(value) required[f.required] placeholder="YYYY-MM"; }
        }
        Kind::Number => {
            html! { input type="text" inputmode="decimal" name=(f.name) value=(value) required[f.required]; }
        }
        Kind::Wan | Kind::Yuan => {
            html! { input.amount type="text" inputmode="decimal" name=(f.name) value=(value) required[f.required]; }
        }
        Kind::Fixed(list) => options(list.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect()),
        Kind::Listed(name) => options(choices.get(name).cloned().unwrap_or_default()),
        Kind::Line => options(choices.get("lines").cloned().unwrap_or_default()),
    }
}

/// A refusal of this edge, in the API's shape.
fn refused(field: &str, message: String) -> Refusal {
    Refusal { code: "VALIDATION".into(), field: Some(field.into()), message }
}

/// An amount as typed (`1,234.5`), in yuan: exact, or why not.
fn yuan(field: &Field, text: &str) -> Result<String, Refusal> {
    let not_an_amount = || refused(field.name, format!("{}:“{text}”不是金额", field.label));
    let spaced: String = text.chars().filter(|c| *c != ' ').map(|c| if c == '\u{ff0c}' { ',' } else { c }).collect();
    // Thousands separators only where they belong: 1,234,567.89, not 1,5.
    let whole = spaced.split('.').next().unwrap_or("");
    let groups: Vec<&str> = whole.trim_start_matches('-').split(',').collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(not_an_amount());
    }
    let typed: Decimal = spaced.replace(',', "").parse().map_err(|_| not_an_amount())?;
    let (value, unit) = match field.kind {
        Kind::Wan => (typed.checked_mul(Decimal::from(10_000)).ok_or_else(not_an_amount)?, "万元"),
        _ => (typed, "元"),
    };
    // The store's own rule for an amount: whole fen, within its range.
    match crate::db::Money::from_decimal(value) {
        Ok(m) => Ok(m.to_string()),
        Err(crate::db::money::MoneyError::TooPrecise(_)) => {
            Err(refused(field.name, format!("{}:{text} {unit} 精确不到分(换算为元最多两位小数)", field.label)))
        }
        Err(e) => Err(refused(field.name, format!("{}:{e}", field.label))),
    }
}

/// The mutation's variables from a posted form: each field checked and converted, the
/// first problem refused. `project` is the page's project code.
pub fn variables(form: &Form, project: &str, posted: &HashMap<String, String>) -> Result<Value, Refusal> {
    let mut vars = Map::new();
    vars.insert("project".into(), Value::from(project));
    vars.insert("key".into(), posted.get("formKey").cloned().map_or(Value::Null, Value::from));
    for f in form.fields {
        let text = posted.get(f.name).map(|t| t.trim()).unwrap_or("");
        if text.is_empty() {
            if f.required {
                return Err(refused(f.name, format!("{}:必填,不能为空", f.label)));
            }
            for name in f.names() {
                vars.insert(name.to_string(), Value::Null);
            }
            continue;
        }
        match f.kind {
            Kind::Wan | Kind::Yuan => {
                vars.insert(f.name.into(), Value::from(yuan(f, text)?));
            }
            Kind::Line => {
                let (bond, due) = text
                    .split_once('|')
                    .ok_or_else(|| refused(f.name, format!("{}:“{text}”不是本页列出的应还本息", f.label)))?;
                vars.insert("bondCode".into(), Value::from(bond));
                vars.insert("dueDate".into(), Value::from(due));
            }
            _ => {
                vars.insert(f.name.into(), Value::from(text));
            }
        }
    }
    Ok(Value::Object(vars))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn amounts_are_converted_exactly_or_refused_naming_their_field() {
        let receipt = project_form("receipt").unwrap();
        // 1,234.5678 万元 = 12,345,678 元: exact.
        let v = variables(
            receipt,
            "P1",
            &posted(&[("bondCode", "B1"), ("amount", "1,234.5678"), ("receivedOn", "2026-06-01")]),
        )
        .map_err(|r| r.message)
        .unwrap();
        assert_eq!(v["amount"], "12345678.00");
        assert_eq!(v["project"], "P1");
        // 0.000001 万元 = 0.01 元 exactly; 0.0000001 万元 = 0.001 元 is not a fen.
        let ok = variables(
            receipt,
            "P1",
            &posted(&[("bondCode", "B1"), ("amount", "0.000001"), ("receivedOn", "2026-06-01")]),
        );
        assert_eq!(ok.map_err(|r| r.message).unwrap()["amount"], "0.01");
        let bad = variables(
            receipt,
            "P1",
            &posted(&[("bondCode", "B1"), ("amount", "0.0000001"), ("receivedOn", "2026-06-01")]),
        );
        let r = bad.expect_err("refused");
        assert_eq!((r.code.as_str(), r.field.as_deref()), ("VALIDATION", Some("amount")));
        assert!(r.message.contains("精确不到分"), "{}", r.message);
        let words =
            variables(receipt, "P1", &posted(&[("bondCode", "B1"), ("amount", "两千"), ("receivedOn", "2026-06-01")]));
        assert!(words.err().unwrap().message.contains("“两千”不是金额"));
        // 元 as typed: 12.345 元 is not a fen either.
        let payment = project_form("payment").unwrap();
        let fields = [("amount", "12.345"), ("paidOn", "2026-06-01"), ("payee", "某公司"), ("economicClass", "310")];
        assert_eq!(variables(payment, "P1", &posted(&fields)).err().unwrap().field.as_deref(), Some("amount"));
    }

    #[test]
    fn a_required_field_left_empty_is_refused_and_an_optional_one_is_null() {
        let progress = project_form("progress").unwrap();
        let r = variables(progress, "P1", &posted(&[("period", "2026-05"), ("plannedPercent", "40")])).err().unwrap();
        assert_eq!(r.field.as_deref(), Some("actualPercent"));
        let v = variables(
            progress,
            "P1",
            &posted(&[("period", "2026-05"), ("plannedPercent", "40"), ("actualPercent", "35")]),
        )
        .map_err(|r| r.message)
        .unwrap();
        assert_eq!((v["submittedOn"].clone(), v["note"].clone()), (Value::Null, Value::Null));
    }

    #[test]
    fn a_debt_service_line_is_sent_as_its_bond_and_due_date() {
        let form = project_form("debt-service").unwrap();
        let v =
            variables(form, "P1", &posted(&[("line", "B1|2026-06-30"), ("amount", "10"), ("paidOn", "2026-06-30")]))
                .map_err(|r| r.message)
                .unwrap();
        assert_eq!(
            (v["bondCode"].as_str(), v["dueDate"].as_str(), v["amount"].as_str()),
            (Some("B1"), Some("2026-06-30"), Some("100000.00"))
        );
        assert_eq!(v["refinancedAmount"], Value::Null);
    }

    #[test]
    fn every_form_names_a_mutation_of_the_policy_and_declares_each_field() {
        for f in PROJECT_FORMS {
            assert!(crate::api::policy::access("Mutation", f.mutation).is_some(), "{}", f.mutation);
            assert!(f.document.contains(&format!("{}(", f.mutation)), "{}", f.id);
            for field in f.fields {
                for name in field.names() {
                    assert!(f.document.contains(&format!("${name}:")), "{} declares ${name}", f.id);
                }
            }
        }
    }
}
