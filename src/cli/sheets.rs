//! `bondwatch export`, `template` and `import`: the workbooks.

use anyhow::Context as _;
use clap::Args;

use bondwatch::auth;

use super::Store;

#[derive(Args)]
pub struct ExportArgs {
    /// What to export: alerts, portfolio, schedule, evaluations or results (结果应用).
    what: String,
    /// For evaluations: the year (default this year); for results: the year evaluated
    /// (default last year).
    #[arg(long)]
    year: Option<i32>,
    /// The workbook to write (.xlsx).
    #[arg(long)]
    out: std::path::PathBuf,
    #[command(flatten)]
    store: Store,
}

#[derive(Args)]
pub struct TemplateArgs {
    /// The workbook to write (.xlsx).
    out: std::path::PathBuf,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The workbook to import (.xlsx, made from the template).
    file: std::path::PathBuf,
    /// Check everything, write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    store: Store,
}

pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let ctx = args.store.open().await?;
    let export = bondwatch::spreadsheets::Export::parse(&args.what, args.year, ctx.clock.today())?;
    let bytes = bondwatch::spreadsheets::export(&ctx, export).await?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("{} written to {} ({} bytes)", args.what, args.out.display(), bytes.len());
    Ok(())
}

pub fn template(args: TemplateArgs) -> anyhow::Result<()> {
    let bytes = bondwatch::spreadsheets::template::template()?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("template written to {}", args.out.display());
    Ok(())
}

pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
    use bondwatch::spreadsheets::import::{ImportOptions, Source, import};
    let ctx = args.store.open().await?;
    let started = std::time::Instant::now();
    let last = std::sync::Mutex::new(std::time::Instant::now());
    let progress = |sheet: &str, rows: usize| {
        if let Ok(mut last) = last.lock()
            && last.elapsed() >= std::time::Duration::from_secs(1)
        {
            *last = std::time::Instant::now();
            eprintln!("导入:{sheet}:已读 {rows} 行,{:.0} 秒", started.elapsed().as_secs_f64());
        }
    };
    let options = ImportOptions { dry_run: args.dry_run, progress: &progress };
    let report = import(&ctx, &auth::Caller::system("import"), Source::Path(args.file.clone()), options).await?;
    for p in &report.problems {
        println!("问题 {}", p.describe());
    }
    for a in &report.checks {
        let severity = bondwatch::monitoring::Severity::parse(&a.severity).map(|s| s.label()).unwrap_or("");
        println!("检查 {} {severity}:{}", a.rule, a.message);
    }
    let outcome = match (report.written, report.ok) {
        (true, _) => "已写入",
        (false, true) => "检查通过,未写入(试导入)",
        (false, false) => "未写入:请改正以上问题后重新导入",
    };
    println!(
        "{}:{} 行(其中 {} 行已导入过),{} 个问题,{} 项检查未通过,{:.1} 秒,内存峰值 {} MB — {outcome}",
        args.file.display(),
        report.rows,
        report.unchanged,
        report.problems.len(),
        report.checks.len(),
        started.elapsed().as_secs_f64(),
        super::peak_memory_mb()
    );
    if report.ok { Ok(()) } else { std::process::exit(1) }
}
