//! `bondwatch user add`, `token create` and `token revoke`.

use anyhow::Context as _;
use clap::Subcommand;

use bondwatch::auth::{self, NewUser, Role};
use bondwatch::config::{DatabaseArgs, Settings};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Adds a user; the password is read from standard input.
    Add {
        /// The name the user logs in with.
        #[arg(long)]
        username: String,
        /// admin, reporter, researcher or manager.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The department code (required for a reporter).
        #[arg(long)]
        department: Option<String>,
        /// Where the user's digests are sent.
        #[arg(long)]
        email: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Creates an API token (and the user, without a password, if needed); the token is the last line printed.
    Create {
        /// The user the token acts as.
        #[arg(long)]
        username: String,
        /// admin, reporter, researcher or manager.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The department code (required for a reporter).
        #[arg(long)]
        department: Option<String>,
        /// Days until the token expires; without it, it does not expire.
        #[arg(long)]
        expires_in_days: Option<u32>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Revokes one token, or every token of a user.
    Revoke {
        /// The token to revoke.
        #[arg(long, conflicts_with = "username")]
        token: Option<String>,
        /// Revoke every token of this user.
        #[arg(long)]
        username: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("'{text}' is not a role: use admin, reporter, researcher or manager"))
}

pub async fn run_user(command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add { username, role, department, email, database } = command;
    let ctx = super::open(&database, &Settings::default()).await?;
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    let new = NewUser { username, role, department_code: department, email, password: Some(password) };
    let user = auth::add_user(&ctx, new).await?;
    println!("user {} added with the role {}", user.username, user.role);
    Ok(())
}

pub async fn run_token(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { username, role, department, expires_in_days, database } => {
            let ctx = super::open(&database, &Settings::default()).await?;
            let expires_at = expires_in_days.map(|d| ctx.clock.now() + chrono::Duration::days(d.into()));
            let token = auth::tokens::create_api_token(&ctx, &username, role, department, expires_at).await?;
            match expires_at {
                Some(at) => println!("token for {username} ({}), expires {at}:", role.as_str()),
                None => println!("token for {username} ({}), does not expire:", role.as_str()),
            }
            println!("{token}");
        }
        TokenCommand::Revoke { token, username, database } => {
            let ctx = super::open(&database, &Settings::default()).await?;
            let revoked = auth::tokens::revoke(&ctx, token.as_deref(), username.as_deref()).await?;
            println!("{revoked} token(s) revoked");
        }
    }
    Ok(())
}
