//! Code structure (issue 17): no function in src/verify is longer than `MAX_LINES`, so every branch
//! that decides whether a forgery passes stays small enough to read and review on its own; and one
//! rule registry: every rule code declared once in rules/*.yaml, no rule metadata or code-keyed rule
//! table in Rust, every built-in rule reported by some check, and no import circle between the
//! registry, finding.rs and their users. (build.rs refuses a duplicate code; a check bound to an
//! undeclared code does not compile.)
//!
//! Functions are found with a small Rust lexer (comments, strings, raw strings and char literals are
//! skipped, so a brace inside them does not count) and measured from the line of `fn` to the line of
//! the closing brace, both included. Nested functions are measured too.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 100;

/// One function item: its name, the line of `fn` and its length in lines.
#[derive(Debug, PartialEq)]
struct Func {
    name: String,
    line: usize,
    lines: usize,
}

/// The code characters of `src` with their line numbers; comments, string and char literals are left
/// out (a literal's delimiters are kept as `"` so that `fn` cannot be glued to a neighbour).
fn code_chars(src: &str) -> Vec<(char, usize)> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::with_capacity(c.len());
    let mut line = 1;
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    // Skips from i to j, counting newlines.
    let advance = |i: usize, j: usize, line: &mut usize| {
        *line += c[i..j.min(c.len())].iter().filter(|&&x| x == '\n').count();
        j.min(c.len())
    };
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        let prev_ident = i > 0 && ident(c[i - 1]);
        if ch == '/' && next == Some('/') {
            let mut j = i;
            while j < c.len() && c[j] != '\n' {
                j += 1;
            }
            i = advance(i, j, &mut line);
        } else if ch == '/' && next == Some('*') {
            let (mut j, mut depth) = (i + 2, 1);
            while j < c.len() && depth > 0 {
                if c[j] == '/' && c.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if c[j] == '*' && c.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            i = advance(i, j, &mut line);
        } else if (ch == 'r' || (ch == 'b' && next == Some('r'))) && !prev_ident && {
            let k = if ch == 'b' { i + 2 } else { i + 1 };
            let mut h = k;
            while c.get(h) == Some(&'#') {
                h += 1;
            }
            c.get(h) == Some(&'"')
        } {
            // Raw string: r"…", r#"…"#, br##"…"##.
            let mut h = if ch == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while c[h] == '#' {
                hashes += 1;
                h += 1;
            }
            let mut j = h + 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (0..hashes).all(|n| c.get(j + 1 + n) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push(('"', line));
            i = advance(i, j, &mut line);
        } else if ch == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            out.push(('"', line));
            i = advance(i, j + 1, &mut line);
        } else if ch == '\'' {
            // A char literal ('x', '\n', '\u{7b}', '{') or a lifetime ('a, 'static).
            if next == Some('\\') {
                // Past the backslash and the character it escapes ('\\', '\''), then to the quote.
                let mut j = i + 3;
                while j < c.len() && c[j] != '\'' {
                    j += if c[j] == '\\' { 2 } else { 1 };
                }
                out.push(('"', line));
                i = advance(i, j + 1, &mut line);
            } else if c.get(i + 2) == Some(&'\'') {
                out.push(('"', line));
                i += 3;
            } else {
                out.push(('\'', line));
                i += 1;
            }
        } else {
            if ch == '\n' {
                line += 1;
            }
            out.push((ch, line));
            i += 1;
        }
    }
    out
}

/// Every `fn NAME … { … }` item in `src` (declarations without a body and `fn(…)` types are skipped).
fn functions(src: &str) -> Vec<Func> {
    let c = code_chars(src);
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut out = Vec::new();
    for i in 0..c.len() {
        let is_fn = c[i].0 == 'f'
            && c.get(i + 1).map(|x| x.0) == Some('n')
            && (i == 0 || !ident(c[i - 1].0))
            && c.get(i + 2).is_some_and(|x| x.0.is_whitespace());
        if !is_fn {
            continue;
        }
        let mut j = i + 2;
        while j < c.len() && c[j].0.is_whitespace() {
            j += 1;
        }
        let start = j;
        while j < c.len() && ident(c[j].0) {
            j += 1;
        }
        if j == start {
            continue;
        }
        let name: String = c[start..j].iter().map(|x| x.0).collect();
        // The body starts at the first `{` outside parentheses and brackets; `;` first means no body.
        let mut depth = 0i32;
        let mut open = None;
        while j < c.len() {
            match c[j].0 {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ';' if depth == 0 => break,
                '{' if depth == 0 => {
                    open = Some(j);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let Some(open) = open else { continue };
        let mut braces = 0i32;
        let mut k = open;
        while k < c.len() {
            match c[k].0 {
                '{' => braces += 1,
                '}' => {
                    braces -= 1;
                    if braces == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        assert!(
            k < c.len(),
            "unbalanced braces in fn {name} at line {}",
            c[i].1
        );
        out.push(Func {
            name,
            line: c[i].1,
            lines: c[k].1 - c[i].1 + 1,
        });
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_function_in_src_verify_is_over_the_limit() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/verify");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    files.sort();
    assert!(files.len() >= 10, "src/verify has only {files:?}");
    let mut seen = 0;
    let mut over = Vec::new();
    let mut sizes = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        for func in functions(&src) {
            seen += 1;
            sizes.push((
                func.lines,
                format!("{}:{} fn {}", f.display(), func.line, func.name),
            ));
            if func.lines > MAX_LINES {
                over.push(format!(
                    "{}:{}: fn {} is {} lines (limit {MAX_LINES})",
                    f.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                        .unwrap_or(f)
                        .display(),
                    func.line,
                    func.name,
                    func.lines
                ));
            }
        }
    }
    // The largest functions, for `cargo test --test structure_code -- --nocapture`.
    sizes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (lines, what) in sizes.iter().take(10) {
        let what = what
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(what);
        eprintln!("{lines:4} {}", what.trim_start_matches('/'));
    }
    // The scanner must really see the code: src/verify has well over a hundred functions.
    assert!(seen > 100, "only {seen} functions found in src/verify");
    assert!(
        over.is_empty(),
        "split these functions into named steps:\n{}",
        over.join("\n")
    );
}

#[test]
fn scanner_measures_functions_and_ignores_braces_in_literals_and_comments() {
    let src = r####"
fn one() {
    let s = "{ not a brace";
    let r = r#"} neither "# ;
    let b = br##"{"##;
    let c = '{';
    let e = '\'';
    let u = '\u{7b}';
    // }
    /* } /* nested { */ } */
}
fn two<'a>(x: &'a str, f: fn(u8) -> u8, a: [u8; 2]) -> &'a str
where
    'a: 'a,
{
    fn inner() {}
    x
}
trait T {
    fn decl(&self);
    fn provided(&self) {
        let _ = "fn fake() {";
    }
}
"####;
    let f = functions(src);
    let got: Vec<(&str, usize, usize)> = f
        .iter()
        .map(|f| (f.name.as_str(), f.line, f.lines))
        .collect();
    assert_eq!(
        got,
        [
            ("one", 2, 10),
            ("two", 12, 7),
            ("inner", 16, 1),
            ("provided", 21, 3),
        ]
    );
}

#[test]
fn scanner_reports_a_long_function() {
    let body = "    let _ = 1;\n".repeat(MAX_LINES);
    let src = format!("fn long() {{\n{body}}}\nfn short() {{}}\n");
    let f = functions(&src);
    assert_eq!(f[0].name, "long");
    assert_eq!(f[0].lines, MAX_LINES + 2);
    assert_eq!(f[1].lines, 1);
}

/// A backslash char literal ('\\') ends where its closing quote is: the code after it is still seen.
#[test]
fn scanner_sees_the_code_after_a_backslash_char_literal() {
    let src = "fn a() { let x = '\\\\'; }\nfn b() {\n    let y = 1;\n}\nfn c() { let z = 'q'; }\n";
    let names: Vec<String> = functions(src).into_iter().map(|f| f.name).collect();
    assert_eq!(names, ["a", "b", "c"], "{src}");
}

// ---------------------------------------------------------------------------------------------------
// One rule registry (issue 17): every rule is declared once, in rules/*.yaml, and read through
// src/registry; the registry and finding.rs depend on none of their users.

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `CODE` is a rule code: upper-case letters followed by three digits.
fn is_code(s: &str) -> bool {
    s.len() >= 4
        && s.bytes().rev().take(3).all(|c| c.is_ascii_digit())
        && s.bytes().take(s.len() - 3).all(|c| c.is_ascii_uppercase())
}

/// The rule codes a YAML file declares (the keys of its top-level `rules:` mapping), with their lines.
fn yaml_rule_codes(text: &str) -> Vec<(String, usize)> {
    let mut section = "";
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(key) = line.strip_suffix(':').or_else(|| line.split(": ").next())
            && !line.starts_with([' ', '#', '-'])
            && !key.is_empty()
        {
            section = if line.starts_with("rules:") {
                "rules"
            } else {
                ""
            };
            continue;
        }
        if section == "rules"
            && let Some(key) = line.strip_prefix("  ")
            && let Some(key) = key.trim_end().strip_suffix(':')
            && is_code(key)
        {
            out.push((key.to_string(), i + 1));
        }
    }
    out
}

/// The lines (1-based, inclusive ranges) of items under `#[cfg(test)]`: test code may build fake rules.
fn test_lines(src: &str) -> Vec<(usize, usize)> {
    let c = code_chars(src);
    let text: Vec<char> = c.iter().map(|x| x.0).collect();
    let attr: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + attr.len() <= text.len() {
        if text[i..i + attr.len()] != attr[..] {
            i += 1;
            continue;
        }
        let start = c[i].1;
        let mut j = i + attr.len();
        let mut depth = 0i32;
        // The item ends at its `;` or at the brace that closes its body.
        while j < text.len() {
            match text[j] {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ';' if depth == 0 => break,
                '{' if depth == 0 => {
                    let mut braces = 0i32;
                    while j < text.len() {
                        match text[j] {
                            '{' => braces += 1,
                            '}' => braces -= 1,
                            _ => {}
                        }
                        if braces == 0 {
                            break;
                        }
                        j += 1;
                    }
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let end = c.get(j).map_or(usize::MAX, |x| x.1);
        out.push((start, end));
        i = j.max(i + 1);
    }
    out
}

/// A source file without its test items: its code (comments and literals removed, as `code_chars`)
/// and its raw lines, each with its line number.
struct Source {
    path: String,
    code: String,
    lines: Vec<(usize, String)>,
}

fn without_tests(path: String, src: &str) -> Source {
    let tests = test_lines(src);
    let in_tests = |l: usize| tests.iter().any(|&(a, b)| a <= l && l <= b);
    Source {
        path,
        code: code_chars(src)
            .into_iter()
            .filter(|x| !in_tests(x.1))
            .map(|x| x.0)
            .collect(),
        lines: src
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.to_string()))
            .filter(|(n, _)| !in_tests(*n))
            .collect(),
    }
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(root()).unwrap_or(f).display().to_string();
            without_tests(rel, &std::fs::read_to_string(f).unwrap())
        })
        .collect()
}

/// `"ABC123"` literals in a line.
fn code_literals(line: &str) -> Vec<&str> {
    line.split('"')
        .enumerate()
        .filter(|(i, s)| i % 2 == 1 && is_code(s))
        .map(|(_, s)| s)
        .collect()
}

/// Is `word` in `code` as a whole identifier?
fn has_ident(code: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word)
        .any(|(i, _)| !code[..i].ends_with(ident) && !code[i + word.len()..].starts_with(ident))
}

/// What in `s` declares rule metadata outside the registry: a `RuleMeta { … }` literal (the pack loader
/// may build one for a user's pack, whose code is never a literal), a `code:` set to a literal, a
/// `RuleMeta` constant or static, and, in the modules that describe rules (finding.rs, the reports, the
/// rule docs), a rule code written as a string: a table keyed by code.
fn declarations(s: &Source) -> Vec<String> {
    let mut out = Vec::new();
    if s.path.starts_with("src/registry/") {
        return out;
    }
    let flat: String = s.code.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.path != "src/rules/pack.rs" && flat.contains("RuleMeta {") {
        out.push(format!("{}: a RuleMeta literal", s.path));
    }
    if flat.contains("code: \"") {
        out.push(format!("{}: a `code:` set to a literal", s.path));
    }
    if flat.contains(": RuleMeta =") || flat.contains(": &RuleMeta =") {
        out.push(format!("{}: a RuleMeta constant", s.path));
    }
    let describes = s.path == "src/finding.rs"
        || s.path == "src/rules/docs.rs"
        || s.path.starts_with("src/report/");
    if describes {
        for (n, l) in &s.lines {
            if !code_literals(l).is_empty() && !l.trim_start().starts_with("//") {
                out.push(format!(
                    "{}:{n}: rule codes keyed in Rust: {}",
                    s.path,
                    l.trim()
                ));
            }
        }
    }
    out
}

#[test]
fn every_rule_code_is_declared_once() {
    let mut declared: Vec<(String, String)> = Vec::new();
    for e in std::fs::read_dir(root().join("rules")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            for (code, line) in yaml_rule_codes(&std::fs::read_to_string(&p).unwrap()) {
                declared.push((code, format!("rules/{name}:{line}")));
            }
        }
    }
    declared.sort();
    let twice: Vec<_> = declared
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| format!("{} at {} and {}", w[0].0, w[0].1, w[1].1))
        .collect();
    assert!(twice.is_empty(), "declared twice: {twice:?}");
    // The scan sees every rule of the registry, and the registry holds nothing else.
    let scanned: Vec<&str> = declared.iter().map(|d| d.0.as_str()).collect();
    let mut registry: Vec<&str> = samlint::registry::declared()
        .iter()
        .map(|r| r.code)
        .collect();
    registry.sort_unstable();
    assert_eq!(scanned, registry);
    let elsewhere: Vec<String> = sources().iter().flat_map(declarations).collect();
    assert!(
        elsewhere.is_empty(),
        "rule metadata outside rules/*.yaml (declare it there; src/registry reads it):\n{}",
        elsewhere.join("\n")
    );
}

#[test]
fn every_builtin_rule_is_reported_by_a_check() {
    let src = sources();
    let builtin = samlint::registry::builtin();
    assert!(builtin.len() >= 40, "only {} built-in rules", builtin.len());
    let unused: Vec<&str> = builtin
        .iter()
        .map(|r| r.code)
        .filter(|code| {
            !src.iter()
                .any(|s| !s.path.starts_with("src/registry/") && has_ident(&s.code, code))
        })
        .collect();
    assert!(
        unused.is_empty(),
        "declared in rules/builtin.yaml but reported by no check (bind a check to registry::CODE, or \
         retire the rule): {unused:?}"
    );
}

/// The registry depends on nothing in samlint, and finding.rs on none of the registry's users: no
/// module imports rule data back from the checks, the engine or the reports.
#[test]
fn no_import_circle_around_the_registry() {
    let mut bad = Vec::new();
    let mut seen = 0;
    for s in sources() {
        let forbidden: &[&str] = if s.path.starts_with("src/registry/") {
            seen += 1;
            &["crate::", "samlint::"]
        } else if s.path == "src/finding.rs" {
            seen += 1;
            &[
                "crate::check",
                "crate::verify",
                "crate::rules",
                "crate::lint",
                "crate::report::order",
                "crate::report::sarif",
            ]
        } else {
            continue;
        };
        for f in forbidden {
            if s.code.contains(f) {
                bad.push(format!("{} uses {f}", s.path));
            }
        }
    }
    assert!(seen >= 3, "src/registry or src/finding.rs not found");
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_registry_scanners_see_what_they_look_for() {
    let yaml = "version: 1\npacks: [a]\nrules:\n  STR001:\n    name: x\n  # AB123:\n  KC014:\n    docs: |\n      ZZ999:\nretired:\n  PRO014:\n    why: w\n";
    let codes: Vec<(String, usize)> = yaml_rule_codes(yaml);
    assert_eq!(codes, [("STR001".into(), 4), ("KC014".into(), 7)]);
    let src = "use crate::registry::SIG001;\nconst X: RuleMeta = RuleMeta { code: \"ABC001\" };\nfn f() { let t = [\"SIG001\", \"x\"]; }\n#[cfg(test)]\nmod tests {\n    fn g() { SIG002; RuleMeta { code: \"T001\" }; }\n}\n#[cfg(test)]\nmod other;\nfn h() { SIG003 }\n";
    assert_eq!(test_lines(src), [(4, 7), (8, 9)]);
    let s = without_tests("src/report/x.rs".into(), src);
    assert!(has_ident(&s.code, "SIG001") && has_ident(&s.code, "SIG003"));
    assert!(!has_ident(&s.code, "SIG002"), "test code does not count");
    assert!(!has_ident(&s.code, "SIG00"));
    let found = declarations(&s);
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(
        declarations(&Source {
            path: "src/registry/mod.rs".into(),
            ..without_tests(String::new(), src)
        })
        .is_empty()
    );
}
