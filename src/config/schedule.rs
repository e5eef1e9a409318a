//! `jobs/schedule.toml`: which job runs when, parsed and checked at start.

use chrono::{DateTime, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds};
use serde::Deserialize;

use crate::clock::OFFICE_TZ;

/// The schedule shipped with bondwatch, used when none is configured.
pub const DEFAULT_SCHEDULE: &str = include_str!("../../jobs/schedule.toml");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Sweep,
    Digest,
}

#[derive(Clone, Debug)]
pub struct JobDef {
    pub name: String,
    pub cron_text: String,
    pub cron: Cron,
    pub kind: JobKind,
}

fn parser() -> CronParser {
    // The same reading tokio-cron-scheduler gives a pattern.
    CronParser::builder().seconds(Seconds::Required).dom_and_dow(true).build()
}

#[derive(Deserialize)]
struct File {
    jobs: std::collections::BTreeMap<String, toml::Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    cron: String,
    run: String,
}

/// Parses and checks a schedule; the error names the file's line.
pub fn parse_schedule(text: &str, name: &str) -> std::result::Result<Vec<JobDef>, String> {
    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let file: File = toml::from_str(text)
        .map_err(|e| format!("{name} line {}: {}", e.span().map(|s| line(s.start)).unwrap_or(0), e.message()))?;
    file.jobs
        .into_iter()
        .map(|(job, entry)| {
            let at = line(entry.span().start);
            let entry = entry.into_inner();
            let kind = match entry.run.as_str() {
                "sweep" => JobKind::Sweep,
                "digest" => JobKind::Digest,
                other => return Err(format!("{name} line {at}: job {job} runs '{other}', which is not a job bondwatch knows (sweep, digest)")),
            };
            let cron = parser().parse(&entry.cron).map_err(|e| {
                format!("{name} line {at}: job {job} has the cron '{}', which does not parse ({e}); use six fields, seconds first", entry.cron)
            })?;
            Ok(JobDef { name: job, cron_text: entry.cron, cron, kind })
        })
        .collect()
}

impl JobDef {
    /// The latest slot at or before `now`, read in Asia/Shanghai, to the cron's
    /// resolution (whole seconds): replicas that tick milliseconds apart, each with its
    /// own sub-second time, name the same slot — and claim it once.
    pub fn slot(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        use chrono::{SubsecRound, Timelike};
        let now = now.trunc_subsecs(0);
        let found = self.cron.find_previous_occurrence(&now.with_timezone(&OFFICE_TZ), true).ok()?;
        found.with_timezone(&Utc).with_nanosecond(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_named_to_the_second_whatever_the_tick_s_fraction() {
        let every_two = parse_schedule("[jobs.s]\ncron = \"*/2 * * * * *\"\nrun = \"sweep\"\n", "t").unwrap();
        let at = |nanos: u32| {
            // 08:37:56 in Shanghai, a slot itself: the tick is inside it.
            chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 6, 15, 0, 37, 56).unwrap()
                + chrono::Duration::nanoseconds(nanos.into())
        };
        let (a, b) = (every_two[0].slot(at(296_406_000)), every_two[0].slot(at(210_787_000)));
        assert_eq!(a, b, "two replicas ticking 86 ms apart");
        assert_eq!(a.unwrap().to_rfc3339(), "2026-06-15T00:37:56+00:00");
    }

    #[test]
    fn the_schedule_is_checked_and_read_in_shanghai() {
        let jobs = parse_schedule(DEFAULT_SCHEDULE, "schedule.toml").unwrap();
        let sweep = jobs.iter().find(|j| j.name == "alert_sweep").unwrap();
        // 06:30 in Shanghai is 22:30 UTC the day before.
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 6, 15, 1, 0, 0).unwrap();
        assert_eq!(sweep.slot(now).unwrap().to_rfc3339(), "2026-06-14T22:30:00+00:00");
        let bad = DEFAULT_SCHEDULE.replace("0 30 6 * * *", "30 6 * *");
        let err = parse_schedule(&bad, "schedule.toml").unwrap_err();
        assert!(err.contains("line ") && err.contains("does not parse"), "{err}");
        let unknown = DEFAULT_SCHEDULE.replace("run = \"sweep\"", "run = \"coffee\"");
        assert!(parse_schedule(&unknown, "schedule.toml").unwrap_err().contains("'coffee'"));
    }
}
