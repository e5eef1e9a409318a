//! Users and tokens (the audit trail's entry is `base::audit`'s).

pub mod user {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub username: String,
        /// Argon2id PHC string; none for a user who only has API tokens.
        pub password_hash: Option<String>,
        pub role: String,
        pub department_id: Option<i64>,
        pub email: Option<String>,
        pub created_at: DateTimeUtc,
    }
    crate::plain_entity!();
}

pub mod api_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        /// SHA-256 of the token, hex; the token itself is shown once and never stored.
        pub token_hash: String,
        /// `SESSION` (from a login) or `API` (from the command line).
        pub kind: String,
        pub created_at: DateTimeUtc,
        pub expires_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
    }
    crate::plain_entity!();
}

pub use crate::base::audit::audit_entry;
