//! The settings file (`bondwatch.toml`): the layer between the environment and the
//! defaults. Each key is a setting's environment name without `BONDWATCH_`, in lower
//! case (`BONDWATCH_SMTP_URL` → `smtp_url`), so one list of names serves both. A value
//! from the file becomes the setting's default: a flag or an environment variable still
//! wins. An unknown key or a value the setting refuses stops the start, naming the
//! file, the key and the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::Path;

use clap::Command;

/// The file's settings as text, by key.
pub fn read(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot be read ({e})"))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(0);
        format!("{name} line {line}: {}", e.message())
    })?;
    table
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(format!("{name}: {key}: a {} is not a setting's value", other.type_str()));
                }
            };
            Ok((key, text))
        })
        .collect()
}

/// The key of a setting named `env` in the environment.
fn key_of(env: &OsStr) -> String {
    env.to_string_lossy().trim_start_matches("BONDWATCH_").to_lowercase()
}

/// `cmd` and its subcommands with the file's values as the settings' defaults; every
/// value is checked by its setting's own parser.
pub fn apply(cmd: Command, settings: &BTreeMap<String, String>, file: &Path) -> Result<Command, String> {
    let mut used = BTreeSet::new();
    let cmd = with_defaults(cmd, settings, file, &mut used)?;
    if let Some(unknown) = settings.keys().find(|k| !used.contains(*k)) {
        let mut known = BTreeSet::new();
        known_keys(&cmd, &mut known);
        let known: Vec<String> = known.into_iter().collect();
        return Err(format!(
            "{}: {unknown} is not a setting bondwatch knows; the settings are {}",
            file.display(),
            known.join(", ")
        ));
    }
    Ok(cmd)
}

fn with_defaults(
    mut cmd: Command,
    settings: &BTreeMap<String, String>,
    file: &Path,
    used: &mut BTreeSet<String>,
) -> Result<Command, String> {
    let mut defaults = Vec::new();
    for arg in cmd.get_arguments() {
        let Some(key) = arg.get_env().map(key_of) else { continue };
        let Some(value) = settings.get(&key) else { continue };
        // The setting's own parser reads the value, as it would read the default.
        let probe = Command::new("bondwatch")
            .no_binary_name(true)
            .arg(arg.clone().env(None::<&str>).required(false).default_value(value.clone()));
        probe
            .try_get_matches_from(Vec::<String>::new())
            .map_err(|e| format!("{}: {key}: “{value}” is refused: {}", file.display(), first_line(&e.to_string())))?;
        defaults.push((arg.get_id().clone(), value.clone()));
        used.insert(key);
    }
    for (id, value) in defaults {
        cmd = cmd.mut_arg(id, |a| a.default_value(value));
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let Some(sub) = cmd.find_subcommand(&name).cloned() else { continue };
        let sub = with_defaults(sub, settings, file, used)?;
        cmd = cmd.mut_subcommand(&name, |_| sub);
    }
    Ok(cmd)
}

fn known_keys(cmd: &Command, out: &mut BTreeSet<String>) {
    out.extend(cmd.get_arguments().filter_map(|a| a.get_env()).map(key_of).filter(|k| k != "config"));
    for sub in cmd.get_subcommands() {
        known_keys(sub, out);
    }
}

/// clap's message without its usage lines.
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim_start_matches("error: ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction};

    fn command() -> Command {
        Command::new("bondwatch").subcommand(
            Command::new("serve")
                .arg(
                    Arg::new("hours")
                        .long("hours")
                        .env("BONDWATCH_SESSION_HOURS")
                        .value_parser(clap::value_parser!(i64))
                        .default_value("8"),
                )
                .arg(Arg::new("secure").long("secure").env("BONDWATCH_SECURE_COOKIES").action(ArgAction::SetTrue)),
        )
    }

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_file_fills_in_what_flags_and_the_environment_leave() {
        let file = Path::new("bondwatch.toml");
        let cmd = apply(command(), &settings(&[("session_hours", "12"), ("secure_cookies", "true")]), file).unwrap();
        let m = cmd.clone().get_matches_from(["bondwatch", "serve"]);
        let serve = m.subcommand_matches("serve").unwrap();
        assert_eq!(serve.get_one::<i64>("hours"), Some(&12), "the file's 12 over the default 8");
        assert!(serve.get_flag("secure"));
        let m = cmd.get_matches_from(["bondwatch", "serve", "--hours", "2"]);
        assert_eq!(m.subcommand_matches("serve").unwrap().get_one::<i64>("hours"), Some(&2), "the flag wins");
    }

    #[test]
    fn an_unknown_key_or_a_bad_value_is_refused_with_the_file_and_key() {
        let file = Path::new("bondwatch.toml");
        let err = apply(command(), &settings(&[("sesion_hours", "12")]), file).unwrap_err();
        assert!(err.starts_with("bondwatch.toml: sesion_hours is not a setting"), "{err}");
        assert!(err.contains("session_hours"), "the known keys are listed: {err}");
        let err = apply(command(), &settings(&[("session_hours", "twelve")]), file).unwrap_err();
        assert!(err.starts_with("bondwatch.toml: session_hours: “twelve” is refused"), "{err}");
    }
}
