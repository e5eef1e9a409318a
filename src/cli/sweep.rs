//! `bondwatch sweep`.

use clap::Args;

use bondwatch::monitoring::sweep;

use super::{RulesArg, Store};

#[derive(Args)]
pub struct SweepArgs {
    /// Prints what the rules find on this date (YYYY-MM-DD) and stores nothing.
    #[arg(long)]
    as_of: Option<chrono::NaiveDate>,
    /// With --as-of: only what was recorded by this moment counts (RFC 3339, e.g.
    /// 2026-06-15T18:00:00+08:00), as the office could have seen it then.
    #[arg(long, requires = "as_of")]
    known_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Evaluates every project, not only those changed since their last evaluation or
    /// due (a rule's date has come); the scheduled sweep evaluates only those.
    #[arg(long, conflicts_with = "as_of")]
    full: bool,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    store: Store,
}

pub async fn run(args: SweepArgs) -> anyhow::Result<()> {
    let ctx = args.store.open().await?.with_rules(args.rules.load()?);
    match args.as_of {
        Some(date) => {
            let findings = sweep::preview(&ctx, &ctx.rules, date, None, args.known_at).await?;
            let known = args
                .known_at
                .map(|t| {
                    format!(
                        ", as known at {}",
                        t.with_timezone(&bondwatch::clock::OFFICE_TZ).format("%Y-%m-%d %H:%M:%S")
                    )
                })
                .unwrap_or_default();
            println!("as of {date}{known}: {} alert(s) would be raised (nothing stored)", findings.len());
            let codes = bondwatch::ledger::queries::project_codes(&ctx.db).await?;
            let departments = bondwatch::ledger::queries::department_codes(&ctx.db).await?;
            for f in &findings {
                // Projects and departments by their codes, not internal ids.
                let subject = f
                    .subject
                    .project_id
                    .and_then(|id| codes.get(&id))
                    .or_else(|| f.subject.department_id.and_then(|id| departments.get(&id)))
                    .cloned()
                    .unwrap_or_else(|| f.subject.key());
                println!("{:<4} {:<6} {:<16} {}", f.rule, f.severity.as_str(), subject, f.message);
            }
        }
        None => {
            // At most a line a second, however many batches; the last line always.
            let last = std::sync::Mutex::new(None::<std::time::Instant>);
            let progress = |p: sweep::Progress| {
                let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                let done = matches!(p, sweep::Progress::Done { .. });
                if done || last.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1)) {
                    eprintln!("sweep: {p}");
                    *last = Some(std::time::Instant::now());
                }
            };
            let options = sweep::SweepOptions { progress: &progress, full: args.full, ..Default::default() };
            let r = sweep::run(&ctx, &ctx.rules, ctx.clock.today(), options).await?;
            println!(
                "swept {} projects, {} bonds and {} departments in {} ms: {} raised, {} updated, {} resolved; peak memory {} MB",
                r.projects,
                r.bonds,
                r.departments,
                r.millis,
                r.raised,
                r.updated,
                r.resolved,
                super::peak_memory_mb()
            );
        }
    }
    Ok(())
}
