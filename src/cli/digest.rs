//! `bondwatch digest run`.

use clap::{Args, Subcommand};

use bondwatch::config::{DEFAULT_LISTEN, MailSettings, Settings};
use bondwatch::digest::mail::Delivered;
use bondwatch::jobs::JobKind;

use super::{RulesArg, ScheduleArg, Store};

#[derive(Subcommand)]
pub enum DigestCommand {
    /// Composes and delivers the digests due now (or that subscription's), as the scheduled job does.
    Run(RunArgs),
}

#[derive(Args)]
pub struct RunArgs {
    /// Only this subscription, in the slot of its own digest job.
    #[arg(long)]
    subscription: Option<i64>,
    /// The address the server listens on, which digest links follow without --base-url.
    #[arg(long, env = "BONDWATCH_LISTEN", default_value = DEFAULT_LISTEN)]
    listen: String,
    #[command(flatten)]
    schedule: ScheduleArg,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    store: Store,
    #[command(flatten)]
    mail: MailSettings,
}

pub async fn run(command: DigestCommand) -> anyhow::Result<()> {
    let DigestCommand::Run(args) = command;
    let jobs = args.schedule.load()?;
    let settings = Settings { mail: args.mail.following(&args.listen), ..args.store.settings() };
    let ctx =
        super::open(&args.store.database, &settings).await?.with_rules(args.rules.load()?).with_schedule(jobs.clone());
    eprintln!("digest: {}", bondwatch::digest::mail::describe(&ctx.settings.mail));
    let now = ctx.clock.now();
    let mut total = (0, Delivered::default());
    for job in jobs.iter().filter(|j| j.kind == JobKind::Digest) {
        let Some(slot) = job.slot(now) else { continue };
        let (queued, d) = bondwatch::digest::run_job(&ctx, &job.name, slot, args.subscription).await?;
        // The slot in the office's time, to the second.
        let at = slot.with_timezone(&bondwatch::clock::OFFICE_TZ).format("%Y-%m-%d %H:%M:%S");
        eprintln!("digest: {}: {queued} queued for the slot of {at} (Asia/Shanghai)", job.name);
        total.0 += queued;
        total.1.sent += d.sent;
        total.1.retrying += d.retrying;
        total.1.failed += d.failed;
    }
    println!(
        "{} digests queued; {} sent, {} to retry, {} failed",
        total.0, total.1.sent, total.1.retrying, total.1.failed
    );
    Ok(())
}
