//! `bondwatch gen`: a synthetic portfolio for the benchmarks.

use clap::Args;

use super::Store;

#[derive(Args)]
pub struct GenArgs {
    /// How many projects.
    #[arg(long, default_value_t = 1000)]
    projects: usize,
    /// How many years of history each project has.
    #[arg(long, default_value_t = 3)]
    years: u32,
    /// The seed of the generator: the same seed gives the same portfolio.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    store: Store,
}

pub async fn run(args: GenArgs) -> anyhow::Result<()> {
    let ctx = super::open_or_create(&args.store.database, &args.store.settings()).await?;
    let started = std::time::Instant::now();
    let options = bondwatch::synthetic::GenOptions { projects: args.projects, years: args.years, seed: args.seed };
    let every = (args.projects / 20).max(200);
    let count = bondwatch::synthetic::generate(&ctx, &options, |done, all| {
        if done % every < 200 || done == all {
            eprintln!(
                "gen: {done}/{all} projects ({}%), {:.0} s",
                done * 100 / all.max(1),
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await?;
    println!(
        "generated {} projects, {} bonds, {} rows in {:.1} s; peak memory {} MB",
        count.projects,
        count.bonds,
        count.rows,
        started.elapsed().as_secs_f64(),
        super::peak_memory_mb()
    );
    Ok(())
}
