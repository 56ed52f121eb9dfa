//! Code structure (issue 17): no function in src/verify is longer than `MAX_LINES`, so every branch
//! that decides whether a forgery passes stays small enough to read and review on its own.
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
