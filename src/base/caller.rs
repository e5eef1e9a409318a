//! The caller of a request or command: its name, role and department, and the rules
//! that follow from them (who writes for a department, who reads one's data).

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The debt office: everything.
    Admin,
    /// One department: records for its own projects only.
    Reporter,
    /// Reads everything except users and the audit trail; writes nothing.
    Researcher,
    /// Reads; receives digests.
    Manager,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Reporter, Role::Researcher, Role::Manager];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Reporter => "REPORTER",
            Role::Researcher => "RESEARCHER",
            Role::Manager => "MANAGER",
        }
    }

    /// Accepts `ADMIN` or `admin`.
    pub fn parse(text: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Who is making a request or running a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub username: String,
    pub role: Role,
    /// A REPORTER's (or scoped MANAGER's) department.
    pub department_id: Option<i64>,
}

impl Caller {
    /// The operator at the command line, or the demo loader: the debt office.
    pub fn system(name: &str) -> Caller {
        Caller { username: name.to_string(), role: Role::Admin, department_id: None }
    }

    /// Anonymous readers of a server started with `--demo`.
    pub fn demo_reader() -> Caller {
        Caller { username: "anonymous".into(), role: Role::Researcher, department_id: None }
    }

    /// The department whose data alone this caller reads, when it is held to one: a
    /// REPORTER's, or a MANAGER's of one department. The one rule for reading a
    /// department's rectifications and results.
    pub fn held_to(&self) -> Option<i64> {
        match self.role {
            Role::Reporter | Role::Manager => self.department_id,
            Role::Admin | Role::Researcher => None,
        }
    }

    /// The department whose portfolio alone this caller reads (projects, indicators,
    /// alerts, debt service): a MANAGER's of one department. The one rule for the API's
    /// lists, the exports and the dashboard.
    pub fn reads_portfolio_of(&self) -> Option<i64> {
        match self.role {
            Role::Manager => self.department_id,
            Role::Admin | Role::Reporter | Role::Researcher => None,
        }
    }

    /// May this caller read data of `department_id` that is kept to its department?
    pub fn reads_department(&self, department_id: i64) -> bool {
        self.held_to().is_none_or(|own| own == department_id)
    }

    /// A REPORTER writes only for its own department; everyone else the policy let through may.
    pub fn check_department(&self, department_id: i64, what: &str) -> Result<()> {
        match (self.role, self.department_id) {
            (Role::Reporter, Some(own)) if own == department_id => Ok(()),
            (Role::Reporter, _) => {
                Err(Error::Forbidden(format!("用户 {} 只能填报本部门的数据;{what} 属于其他部门", self.username)))
            }
            _ => Ok(()),
        }
    }
}
