//! The architecture's guard (docs/architecture.md): reads every `use` and
//! `crate::`/`super::` path in src/, and a folder's paths into its own
//! children (`pub use tally::Dataset`), and fails when a module imports one
//! it must not or when files import each other in a cycle (a child that
//! takes a type from its parent's `mod.rs` while the parent re-exports or
//! calls the child is one). Test code (after `#[cfg(test)]`) is not
//! checked: a test may build its inputs with whatever it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What each top-level module may import, besides itself. Every module of
/// src/ must be listed: a new one has to be placed in the layers.
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("tolerance", &[]),
    // The math: pure functions of numbers.
    ("softmax", &["tolerance"]),
    ("optim", &["softmax", "tolerance"]),
    ("loglinear", &["optim", "softmax", "tolerance"]),
    ("sample", &["tolerance"]),
    ("stats", &["sample", "softmax", "tolerance"]),
    // Plain data.
    ("model", &["error"]),
    ("dataset", &[]),
    // The edges and the stages, input → dataset → analysis → report/plot.
    ("io", &[]),
    ("read", &["dataset", "model", "io", "error"]),
    (
        "analysis",
        &[
            "dataset",
            "model",
            "stats",
            "softmax",
            "optim",
            "loglinear",
            "error",
            "tolerance",
        ],
    ),
    (
        "report",
        &[
            "analysis",
            "dataset",
            "model",
            "stats",
            "optim",
            "tolerance",
        ],
    ),
    (
        "plot",
        &[
            "analysis",
            "report",
            "dataset",
            "model",
            "stats",
            "optim",
            "error",
            "tolerance",
        ],
    ),
    ("ui", &["report"]),
    (
        "cli",
        &["model", "read", "report", "ui", "stats", "optim", "error"],
    ),
    (
        "cmd",
        &[
            "cli",
            "io",
            "read",
            "dataset",
            "model",
            "analysis",
            "report",
            "plot",
            "ui",
            "sample",
            "optim",
            "loglinear",
            "stats",
            "error",
        ],
    ),
];

/// A source file: its module path (`read::scan::lines`) and the module
/// paths of what it imports, as deep as they name files.
struct File {
    module: Vec<String>,
    imports: BTreeSet<Vec<String>>,
}

/// The part of a file that is not test code.
fn non_test(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// Strips comments, so that paths quoted in docs are not imports.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b::…`, `super::…` and `child::…` path in `text` (for
/// each name in `children`), with a `use` tree's braces expanded one level
/// (`use crate::a::{b, c::d}`).
fn paths(text: &str, children: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let root = |name: &[u8]| rest.starts_with(name) && rest[name.len()..].starts_with(b"::");
        let starts =
            (root(b"crate") || root(b"super") || children.iter().any(|c| root(c.as_bytes())))
                && (i == 0 || !ident(bytes[i - 1]) && bytes[i - 1] != b':');
        if !starts {
            i += 1;
            continue;
        }
        let mut segs: Vec<String> = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && ident(bytes[j]) {
                j += 1;
            }
            segs.push(text[start..j].to_string());
            if bytes[j..].starts_with(b"::") {
                j += 2;
                if bytes[j..].starts_with(b"{") {
                    let close = bytes[j..]
                        .iter()
                        .position(|&c| c == b'}')
                        .map_or(bytes.len(), |c| j + c);
                    for item in text[j + 1..close].split(',') {
                        let item: Vec<String> = item
                            .trim()
                            .split("::")
                            .map(|s| s.trim().trim_start_matches('{').to_string())
                            .filter(|s| !s.is_empty())
                            .collect();
                        if !item.is_empty() {
                            out.push([segs.clone(), item].concat());
                        }
                    }
                    j = close;
                    segs.clear();
                    break;
                }
            } else {
                break;
            }
        }
        if !segs.is_empty() {
            out.push(segs);
        }
        i = j.max(i + 1);
    }
    out
}

/// The text of a file split by its inline modules (`mod sse2 { … }`): each
/// piece with the path of inline modules it sits in, below `inline`, so
/// that `super::` inside one is read from there.
fn scopes(text: &str, inline: &[String]) -> Vec<(Vec<String>, String)> {
    let bytes = text.as_bytes();
    let mut outer = String::new();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let at_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if at_word && rest.starts_with("mod ") {
            let name: String = rest[4..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let after = rest[4 + name.len()..].trim_start();
            if !name.is_empty() && after.starts_with('{') {
                let open = i + rest.len() - after.len();
                let mut depth = 0;
                let mut close = bytes.len();
                for (j, &b) in bytes.iter().enumerate().skip(open) {
                    depth += i32::from(b == b'{') - i32::from(b == b'}');
                    if depth == 0 {
                        close = j;
                        break;
                    }
                }
                let path = [inline, &[name][..]].concat();
                out.extend(scopes(&text[open + 1..close.max(open + 1)], &path));
                i = close + 1;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        outer.push(c);
        i += c.len_utf8();
    }
    out.push((inline.to_vec(), outer));
    out
}

/// The module path that `path`, written in `module`, points into, cut to
/// the deepest module that is a file of the crate. `super` is the parent of
/// `module`, whether its file is `x.rs` or `x/mod.rs`; a path that starts
/// with neither `crate` nor `super` names one of `module`'s children.
fn resolve(
    module: &[String],
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let (mut full, mut rest): (Vec<String>, &[String]) = match path[0].as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "super" => (module[..module.len() - 1].to_vec(), &path[1..]),
        _ => (module.to_vec(), path),
    };
    while rest.first().is_some_and(|s| s == "super") {
        full.pop();
        rest = &rest[1..];
    }
    full.extend(rest.iter().cloned());
    (1..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Reads src/ into files with their imports.
fn crate_files(src: &Path) -> Vec<File> {
    fn walk(dir: &Path, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                walk(&path, &[prefix, &[name]].concat(), out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                match name.as_str() {
                    "mod" => out.push((prefix.to_vec(), text)),
                    "lib" | "main" if prefix.is_empty() => {}
                    _ => out.push(([prefix, &[name]].concat(), text)),
                }
            }
        }
    }
    let mut raw = Vec::new();
    walk(src, &[], &mut raw);
    let modules: BTreeSet<Vec<String>> = raw.iter().map(|(m, _)| m.clone()).collect();
    raw.into_iter()
        .map(|(module, text)| {
            let children: Vec<String> = modules
                .iter()
                .filter(|m| m.len() == module.len() + 1 && m.starts_with(&module))
                .map(|m| m[module.len()].clone())
                .collect();
            let imports = scopes(&code(non_test(&text)), &[])
                .iter()
                .flat_map(|(inline, text)| {
                    let here = [&module[..], inline].concat();
                    let children = if inline.is_empty() {
                        &children[..]
                    } else {
                        &[]
                    };
                    paths(text, children)
                        .into_iter()
                        .filter_map(|p| resolve(&here, &p, &modules))
                        .collect::<Vec<_>>()
                })
                .filter(|m| *m != module)
                .collect();
            File { module, imports }
        })
        .collect()
}

/// Every breach of the layering among `files`, in words.
fn breaches(files: &[File]) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut out = Vec::new();
    for f in files {
        let name = f.module.join("::");
        let top = f.module[0].as_str();
        let Some(ok) = allowed.get(top) else {
            out.push(format!(
                "{name}: top-level module `{top}` has no place in ALLOWED"
            ));
            continue;
        };
        for import in &f.imports {
            let other = import[0].as_str();
            if other != top && !ok.contains(&other) {
                out.push(format!("{name} imports {}", import.join("::")));
            }
        }
    }
    out.extend(cycles(files));
    out
}

/// The import cycles among `files` (one per strongly connected set), by
/// depth-first search.
fn cycles(files: &[File]) -> Vec<String> {
    let graph: BTreeMap<&Vec<String>, &BTreeSet<Vec<String>>> =
        files.iter().map(|f| (&f.module, &f.imports)).collect();
    let mut out = Vec::new();
    let mut done: BTreeSet<&Vec<String>> = BTreeSet::new();
    fn visit<'a>(
        node: &'a Vec<String>,
        graph: &BTreeMap<&'a Vec<String>, &'a BTreeSet<Vec<String>>>,
        stack: &mut Vec<&'a Vec<String>>,
        done: &mut BTreeSet<&'a Vec<String>>,
        out: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|n| *n == node) {
            let ring: Vec<String> = stack[at..].iter().map(|m| m.join("::")).collect();
            out.push(format!(
                "import cycle: {} -> {}",
                ring.join(" -> "),
                ring[0]
            ));
            return;
        }
        if done.contains(node) {
            return;
        }
        stack.push(node);
        if let Some(next) = graph.get(node) {
            for n in next.iter() {
                if let Some((k, _)) = graph.get_key_value(n) {
                    visit(k, graph, stack, done, out);
                }
            }
        }
        stack.pop();
        done.insert(node);
    }
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

fn file(module: &str, imports: &[&str]) -> File {
    let split = |m: &str| m.split("::").map(String::from).collect::<Vec<_>>();
    File {
        module: split(module),
        imports: imports.iter().map(|i| split(i)).collect(),
    }
}

#[test]
fn layers_are_kept_and_there_are_no_cycles() {
    let files = crate_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(files.len() > 20, "found only {} files", files.len());
    let found = breaches(&files);
    assert!(found.is_empty(), "layering breaches:\n{}", found.join("\n"));
}

#[test]
fn the_guard_finds_cycles_and_breaches() {
    let ok = [
        file("read::scan::lines", &["read::scan::masks"]),
        file("read::scan::masks", &[]),
        file("stats::gof", &["tolerance"]),
    ];
    assert!(breaches(&ok).is_empty(), "{:?}", breaches(&ok));
    let cycle = [
        file("read::domain", &["read::scan"]),
        file("read::scan", &["read::tally"]),
        file("read::tally", &["read::domain"]),
    ];
    let found = breaches(&cycle);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("import cycle: read::domain -> read::scan -> read::tally"));
    let climb = [
        file("read", &["read::scan::drive"]),
        file("read::scan::drive", &["read"]),
    ];
    assert_eq!(
        breaches(&climb),
        ["import cycle: read -> read::scan::drive -> read"]
    );
    let breach = [
        file("stats::gof", &["cli"]),
        file("report::table", &["cli"]),
    ];
    assert_eq!(
        breaches(&breach),
        ["stats::gof imports cli", "report::table imports cli"]
    );
}

#[test]
fn paths_are_read_from_use_trees_and_code() {
    let text = "use crate::stats::{gof, ci::CiMethod};\nuse super::tally::Scan;\nlet x = crate::io::open(p);\npub use tally::Dataset; x::tally::y";
    let found = paths(text, &["tally".to_string()]);
    let show: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        show,
        [
            "crate::stats::gof",
            "crate::stats::ci::CiMethod",
            "super::tally::Scan",
            "crate::io::open",
            "tally::Dataset"
        ]
    );
    let modules: BTreeSet<Vec<String>> = [["read"].as_slice(), &["read", "tally"], &["stats"]]
        .iter()
        .map(|m| m.iter().map(|s| s.to_string()).collect())
        .collect();
    let here = vec!["read".to_string(), "scan".to_string()];
    let got = resolve(&here, &found[2], &modules);
    assert_eq!(got, Some(vec!["read".into(), "tally".into()]));
    let inline = scopes("use super::a;\nmod sse2 {\n    use super::Block;\n    mod deep { use super::super::b; }\n}\nuse c::d;", &[]);
    let show: Vec<(String, String)> = inline
        .iter()
        .map(|(m, t)| {
            (
                m.join("::"),
                t.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    assert_eq!(
        show,
        [
            ("sse2::deep".into(), "use super::super::b;".into()),
            ("sse2".into(), "use super::Block;".into()),
            (String::new(), "use super::a; use c::d;".into())
        ]
    );
    let read = vec!["read".to_string()];
    let got = resolve(&read, &found[4], &modules);
    assert_eq!(got, Some(vec!["read".into(), "tally".into()]));
}
