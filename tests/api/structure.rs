//! The shape the next engineer relies on (README, "For developers"), checked on the
//! sources themselves: no import cycle between the top-level modules, no domain module
//! that reaches the edge (`api`, GraphQL, axum), and no file or function too long to read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 100;

/// The edge: what may import GraphQL and axum.
const EDGE: [&str; 3] = ["api", "main", "cli"];

fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("src/ is readable").flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file is readable");
                out.push((path, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// `src/ledger/funding.rs` → `ledger`; `src/ctx.rs` → `ctx`.
fn top_module(path: &Path) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = path.strip_prefix(&src).expect("under src/");
    let first = rel.components().next().expect("a file").as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

fn without_comments(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// The top-level modules each module's code names through `crate::`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in sources() {
        let from = top_module(&path);
        if from == "lib" || from == "main" || from == "cli" {
            continue;
        }
        let code = without_comments(&text);
        let mut named = Vec::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                named.extend(inner.split(',').filter_map(|p| p.trim().split("::").next()).map(str::to_string));
            } else {
                named.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
            }
        }
        for to in named {
            let to = match to.as_str() {
                "Ctx" => "ctx".to_string(),
                "plain_entity" => "db".to_string(),
                "" => continue,
                _ => to,
            };
            if to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    edges
}

/// A path of imports from `from` back to itself, if there is one.
fn cycle_through(edges: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_string(), vec![from.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in edges.get(&at).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn no_top_level_module_imports_itself_round_a_cycle() {
    let edges = imports();
    // The scan sees the modules it should: the ledger uses the base, not auth.
    assert!(edges["ledger"].contains("base") && !edges["ledger"].contains("auth"), "{:?}", edges["ledger"]);
    let cycles: Vec<String> = edges.keys().filter_map(|m| cycle_through(&edges, m)).map(|c| c.join(" → ")).collect();
    assert!(cycles.is_empty(), "import cycles between top-level modules:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    assert_eq!(cycle_through(&edges, "a"), None);
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycle_through(&edges, "a"), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}

#[test]
fn the_domain_never_reaches_the_edge() {
    let mut offending = Vec::new();
    for (path, text) in sources() {
        if EDGE.contains(&top_module(&path).as_str()) {
            continue;
        }
        let code = without_comments(&text);
        for needle in ["crate::api", "async_graphql", "axum"] {
            if code.contains(needle) {
                offending.push(format!("{} uses {needle}", path.display()));
            }
        }
    }
    assert!(offending.is_empty(), "{}", offending.join("\n"));
}

/// Each function's length, from its `fn` line to its closing brace.
fn function_lengths(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let code = line.split("//").next().unwrap_or("").trim_start();
        let head = code
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("pub ")
            .trim_start_matches("const ")
            .trim_start_matches("async ");
        let Some(rest) = head.strip_prefix("fn ") else { continue };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let (mut depth, mut opened) = (0i64, false);
        for (offset, l) in lines[start..].iter().enumerate() {
            let code = strip_literals(l.split("//").next().unwrap_or(""));
            if !opened && code.trim_end().ends_with(';') {
                break;
            }
            for c in code.chars() {
                match c {
                    '{' => (depth, opened) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth == 0 {
                out.push((start + 1, name.clone(), offset + 1));
                break;
            }
        }
    }
    out
}

/// A line without its string and character literals, whose braces are not the code's.
fn strip_literals(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\'' if chars.clone().nth(1) == Some('\'') => {
                chars.nth(1);
            }
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn no_file_passes_600_lines_and_no_function_100() {
    let mut long = Vec::new();
    for (path, text) in sources() {
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            long.push(format!("{}: {lines} lines", path.display()));
        }
        for (at, name, length) in function_lengths(&text) {
            if length > MAX_FN_LINES {
                long.push(format!("{}:{at}: fn {name} is {length} lines", path.display()));
            }
        }
    }
    assert!(long.is_empty(), "too long to read:\n{}", long.join("\n"));
}

#[test]
fn the_length_check_measures_a_function() {
    let text = "fn short() {\n    let s = \"}\";\n}\n\npub async fn longer(x: i32) -> i32 {\n    if x > 0 {\n        1\n    } else {\n        '{' as i32\n    }\n}\n";
    assert_eq!(function_lengths(text), vec![(1, "short".into(), 3), (5, "longer".into(), 7)]);
}
