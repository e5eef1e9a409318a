//! `bondwatch report evaluation|assessment|department`.

use anyhow::Context as _;
use clap::{Args, Subcommand};

use bondwatch::config::{ReportSettings, Settings};
use bondwatch::reports::{self, Format};
use bondwatch::{Ctx, auth};

use super::{RulesArg, Store};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// A project's performance evaluation for a year; without --project, every project
    /// (evaluated and stored) into the folder --out, with the department ranking.
    Evaluation {
        /// The project's code; without it, every project.
        #[arg(long)]
        project: Option<String>,
        /// The year evaluated.
        #[arg(long)]
        year: i32,
        /// A file, or a folder without --project.
        #[arg(long)]
        out: std::path::PathBuf,
        /// pdf, html, or xlsx (the scoring sheet).
        #[arg(long, default_value = "pdf")]
        format: String,
        #[command(flatten)]
        common: ReportArgs,
    },
    /// A project's ex-ante assessment report.
    Assessment {
        /// The project's code.
        #[arg(long)]
        project: String,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// pdf or html.
        #[arg(long, default_value = "pdf")]
        format: String,
        #[command(flatten)]
        common: ReportArgs,
    },
    /// A department's year for its feedback meeting: its projects' scores, its ranking,
    /// alerts, rectifications and the results application's suggestion.
    Department(DepartmentArgs),
}

#[derive(Args)]
pub struct DepartmentArgs {
    /// The department's code.
    #[arg(long)]
    department: String,
    /// The year evaluated.
    #[arg(long)]
    year: i32,
    /// The file to write.
    #[arg(long)]
    out: std::path::PathBuf,
    /// pdf or html.
    #[arg(long, default_value = "pdf")]
    format: String,
    #[command(flatten)]
    common: ReportArgs,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    store: Store,
    #[command(flatten)]
    reports: ReportSettings,
}

impl ReportArgs {
    async fn open(&self) -> anyhow::Result<Ctx> {
        let settings = Settings { reports: self.reports.clone(), ..self.store.settings() };
        Ok(super::open(&self.store.database, &settings).await?.with_rules(self.rules.load()?))
    }
}

fn report_format(text: &str, xlsx: bool) -> anyhow::Result<Option<Format>> {
    match text {
        "pdf" => Ok(Some(Format::Pdf)),
        "html" => Ok(Some(Format::Html)),
        "xlsx" if xlsx => Ok(None),
        other => anyhow::bail!("--format {other}: use pdf or html{}", if xlsx { " or xlsx" } else { "" }),
    }
}

fn write(out: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))
}

fn check_font(ctx: &Ctx, format: Option<Format>) -> anyhow::Result<()> {
    if format == Some(Format::Pdf) {
        reports::pdf::check_font(ctx.settings.reports.font.as_deref())?;
    }
    Ok(())
}

pub async fn run(command: ReportCommand) -> anyhow::Result<()> {
    match command {
        ReportCommand::Assessment { project, out, format, common } => {
            let ctx = common.open().await?;
            let format = report_format(&format, false)?;
            check_font(&ctx, format)?;
            let doc = reports::assessment_report(&ctx, &project).await?;
            write(&out, &reports::render(&ctx, doc, format.unwrap_or(Format::Pdf)).await?)?;
            println!("assessment report of {project} written to {}", out.display());
        }
        ReportCommand::Evaluation { project: Some(code), year, out, format, common } => {
            let ctx = common.open().await?;
            let format = report_format(&format, true)?;
            check_font(&ctx, format)?;
            let bytes = match format {
                Some(f) => reports::render(&ctx, reports::evaluation_report(&ctx, &code, year).await?, f).await?,
                None => reports::scoring_workbook(&ctx, year, Some(&code)).await?,
            };
            write(&out, &bytes)?;
            println!("evaluation report of {code} for {year} written to {}", out.display());
        }
        ReportCommand::Department(DepartmentArgs { department, year, out, format, common }) => {
            let ctx = common.open().await?;
            let format = report_format(&format, false)?;
            check_font(&ctx, format)?;
            let doc = reports::department_report(&ctx, &department, year).await?;
            write(&out, &reports::render(&ctx, doc, format.unwrap_or(Format::Pdf)).await?)?;
            println!("department report of {department} for {year} written to {}", out.display());
        }
        ReportCommand::Evaluation { project: None, year, out, format, common } => {
            let ctx = common.open().await?;
            let format = report_format(&format, true)?;
            check_font(&ctx, format)?;
            evaluate_all(&ctx, year, &out, format).await?;
        }
    }
    Ok(())
}

/// Every project evaluated and stored, a report each into the folder, and the scoring sheet.
async fn evaluate_all(ctx: &Ctx, year: i32, out: &std::path::Path, format: Option<Format>) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create the folder {}", out.display()))?;
    let started = std::time::Instant::now();
    let projects = bondwatch::ledger::queries::all_project_codes(&ctx.db).await?;
    let bar = indicatif::ProgressBar::new(projects.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} projects, {elapsed} (eta {eta}) {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let operator = auth::Caller::system("report");
    for code in &projects {
        bar.set_message(code.clone());
        let (facts, result) = bondwatch::evaluation::score_project(ctx, code, year).await?;
        bondwatch::results::store_evaluation(ctx, &operator, &facts.project, year, &result).await?;
        if let Some(f) = format {
            let doc = reports::evaluation_document(ctx, &facts, &result, year).await?;
            write(
                &out.join(format!("{code}-{year}-evaluation.{}", f.extension())),
                &reports::render(ctx, doc, f).await?,
            )?;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let sheet = out.join(format!("{year}-scoring.xlsx"));
    write(&sheet, &reports::scoring_workbook(ctx, year, None).await?)?;
    println!(
        "{} projects evaluated for {year} into {} in {:.1} s; scoring sheet and department ranking in {}",
        projects.len(),
        out.display(),
        started.elapsed().as_secs_f64(),
        sheet.display()
    );
    Ok(())
}
