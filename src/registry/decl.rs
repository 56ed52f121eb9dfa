//! Every rule declaration of rules/*.yaml read into one table, checked, and written as Rust: the
//! registry's generated part. build.rs compiles this file (`#[path]`) and runs it at build time; the
//! library compiles it only for its tests. A declaration problem fails the build with the file and line:
//! a code declared twice (in one file or across files), a retired code declared again, a bad code, name,
//! severity, confidence or causality, an unknown key in rules/builtin.yaml, a pack file that is not in
//! the shipped list or a listed pack without a file.
//!
//! Only what describes a rule is read from a pack (name, summary, severity, help, source, confidence,
//! causality, security, target, docs, visible_error); selectors, functions and messages are the pack
//! loader's (src/rules/pack.rs), which the tests run on every shipped pack.

use super::schema::{Causality, Confidence, Severity, kebab, valid_code};
use marked_yaml::Node;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};

/// The file of built-in (Rust) rules and of the shipped packs' list, under rules/.
pub const BUILTIN_FILE: &str = "builtin.yaml";

/// One rule as declared.
#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
    pub help: String,
    pub source: String,
    /// `None` for a rule implemented in Rust.
    pub pack: Option<String>,
    pub target: String,
    pub confidence: Confidence,
    pub causality: Causality,
    pub security: bool,
    pub docs: String,
    pub visible_error: Option<String>,
    /// `rules/<file>.yaml:<line of the code>`.
    pub defined_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetiredDecl {
    pub code: String,
    pub since: String,
    pub why: String,
    pub replaced_by: String,
}

/// Everything declared: the built-in rules first (file order), then each shipped pack's rules (pack by
/// pack in the order they are applied, each in file order).
#[derive(Debug, Default)]
pub struct Declared {
    pub packs: Vec<String>,
    pub rules: Vec<Decl>,
    pub builtin: usize,
    pub retired: Vec<RetiredDecl>,
}

fn options() -> marked_yaml::LoaderOptions {
    marked_yaml::LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .prevent_coercion(true)
}

/// `rules/<file>:<line>` of a node.
fn place(file: &str, n: &Node) -> String {
    format!("rules/{file}:{}", n.span().start().map_or(0, |m| m.line()))
}

fn key_place(file: &str, k: &MarkedScalarNode) -> String {
    format!("rules/{file}:{}", k.span().start().map_or(0, |m| m.line()))
}

fn parse(file: &str, text: &str) -> Result<Node, String> {
    marked_yaml::parse_yaml_with_options(0, text, options())
        .map_err(|e| format!("rules/{file}: YAML: {e}"))
}

fn mapping<'a>(file: &str, n: &'a Node, what: &str) -> Result<&'a MarkedMappingNode, String> {
    n.as_mapping()
        .ok_or_else(|| format!("{}: {what} must be a mapping", place(file, n)))
}

fn scalar(file: &str, m: &MarkedMappingNode, key: &str, what: &str) -> Result<String, String> {
    match m.get_node(key) {
        Some(Node::Scalar(s)) => Ok(s.as_str().to_string()),
        Some(n) => Err(format!("{}: {what}: `{key}` must be text", place(file, n))),
        None => Err(format!(
            "{}: {what}: `{key}` is missing",
            place(file, &Node::Mapping(m.clone()))
        )),
    }
}

fn optional(
    file: &str,
    m: &MarkedMappingNode,
    key: &str,
    what: &str,
) -> Result<Option<String>, String> {
    match m.get_node(key) {
        None => Ok(None),
        Some(_) => scalar(file, m, key, what).map(Some),
    }
}

/// The metadata keys every rule declaration has (a pack rule's own keys are the pack loader's).
const REQUIRED: [&str; 7] = [
    "name",
    "summary",
    "severity",
    "help",
    "confidence",
    "source",
    "docs",
];

/// One rule's declaration. `pack` is `None` for rules/builtin.yaml, whose rules must say their
/// causality and may have no other key than those and `security`.
fn rule(
    file: &str,
    code: &MarkedScalarNode,
    node: &Node,
    pack: Option<&str>,
) -> Result<Decl, String> {
    let what = format!("rule {}", code.as_str());
    let at = key_place(file, code);
    if !valid_code(code.as_str()) {
        return Err(format!(
            "{at}: rule code `{}` must be upper-case letters followed by three digits (e.g. ATL001)",
            code.as_str()
        ));
    }
    let m = mapping(file, node, &what)?;
    if pack.is_none() {
        const OPTIONAL: [&str; 2] = ["causality", "security"];
        if let Some((k, _)) = m
            .iter()
            .find(|(k, _)| !REQUIRED.contains(&k.as_str()) && !OPTIONAL.contains(&k.as_str()))
        {
            return Err(format!(
                "{}: {what}: unknown key `{}` (a built-in rule has {} and {})",
                key_place(file, k),
                k.as_str(),
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            ));
        }
    }
    let get = |k: &str| scalar(file, m, k, &what);
    let name = get("name")?;
    if name.is_empty() || !kebab(&name) {
        return Err(format!("{at}: {what}: name `{name}` must be kebab-case"));
    }
    let severity: Severity = get("severity")?
        .parse()
        .map_err(|e: String| format!("{at}: {what}: {e}"))?;
    let confidence = get("confidence")?;
    let confidence = Confidence::parse(&confidence)
        .ok_or_else(|| format!("{at}: {what}: unknown confidence `{confidence}`"))?;
    let causality = match (optional(file, m, "causality", &what)?, pack) {
        (Some(c), _) => Causality::parse(&c).ok_or_else(|| {
            let all: Vec<&str> = Causality::ALL.iter().map(|c| c.as_str()).collect();
            format!(
                "{at}: {what}: causality `{c}` must be one of {}",
                all.join(", ")
            )
        })?,
        (None, Some(_)) => Causality::Content,
        (None, None) => {
            return Err(format!(
                "{at}: {what}: a built-in rule says its `causality` (where its findings come in the reading order)"
            ));
        }
    };
    let security = match optional(file, m, "security", &what)?.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(o) => {
            return Err(format!(
                "{at}: {what}: security `{o}` must be true or false"
            ));
        }
    };
    Ok(Decl {
        code: code.as_str().to_string(),
        name,
        severity,
        summary: get("summary")?,
        help: get("help")?,
        source: get("source")?,
        pack: pack.map(str::to_string),
        target: match pack {
            Some(_) => optional(file, m, "target", &what)?.unwrap_or_else(|| "profile".into()),
            None => "saml-message".into(),
        },
        confidence,
        causality,
        security,
        docs: get("docs")?,
        visible_error: optional(file, m, "visible_error", &what)?,
        defined_at: at,
    })
}

fn rules_of(file: &str, root: &MarkedMappingNode, pack: Option<&str>) -> Result<Vec<Decl>, String> {
    let Some(rules) = root.get_node("rules") else {
        return Err(format!("rules/{file}: `rules` is missing"));
    };
    mapping(file, rules, "`rules`")?
        .iter()
        .map(|(code, node)| rule(file, code, node, pack))
        .collect()
}

fn retired(file: &str, root: &MarkedMappingNode) -> Result<Vec<RetiredDecl>, String> {
    let Some(node) = root.get_node("retired") else {
        return Ok(Vec::new());
    };
    mapping(file, node, "`retired`")?
        .iter()
        .map(|(code, n)| {
            let what = format!("retired rule {}", code.as_str());
            let m = mapping(file, n, &what)?;
            if let Some((k, _)) = m
                .iter()
                .find(|(k, _)| !["since", "why", "replaced_by"].contains(&k.as_str()))
            {
                return Err(format!(
                    "{}: {what}: unknown key `{}`",
                    key_place(file, k),
                    k.as_str()
                ));
            }
            Ok(RetiredDecl {
                code: code.as_str().to_string(),
                since: scalar(file, m, "since", &what)?,
                why: scalar(file, m, "why", &what)?,
                replaced_by: scalar(file, m, "replaced_by", &what)?,
            })
        })
        .collect()
}

/// rules/builtin.yaml: the shipped packs' names, the built-in rules and the retired codes.
fn builtin(text: &str) -> Result<Declared, String> {
    let file = BUILTIN_FILE;
    let root = parse(file, text)?;
    let m = mapping(file, &root, "the file")?;
    if let Some((k, _)) = m
        .iter()
        .find(|(k, _)| !["version", "packs", "rules", "retired"].contains(&k.as_str()))
    {
        return Err(format!(
            "{}: unknown key `{}`",
            key_place(file, k),
            k.as_str()
        ));
    }
    let packs = m
        .get_sequence("packs")
        .ok_or_else(|| format!("rules/{file}: `packs` (the shipped packs, in order) is missing"))?
        .iter()
        .map(|p| match p {
            Node::Scalar(s) => Ok(s.as_str().to_string()),
            n => Err(format!("{}: a pack name must be text", place(file, n))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rules = rules_of(file, m, None)?;
    Ok(Declared {
        packs,
        builtin: rules.len(),
        rules,
        retired: retired(file, m)?,
    })
}

/// A shipped pack's rules; the pack's name must be its file's.
fn pack(file: &str, name: &str, text: &str) -> Result<Vec<Decl>, String> {
    let root = parse(file, text)?;
    let m = mapping(file, &root, "a pack")?;
    let declared = scalar(file, m, "pack", "the pack")?;
    if declared != name {
        return Err(format!(
            "rules/{file}: the pack is named `{declared}`; a shipped pack's name is its file's (`{name}`)"
        ));
    }
    rules_of(file, m, Some(name))
}

/// Is this file a pack (a mapping with `pack:`), as opposed to builtin.yaml or explain.yaml?
fn is_pack(text: &str) -> bool {
    marked_yaml::parse_yaml_with_options(0, text, options())
        .ok()
        .and_then(|n| n.as_mapping().map(|m| m.get_node("pack").is_some()))
        .unwrap_or(false)
}

/// No code twice, no retired code again, no name twice.
fn check_unique(d: &Declared) -> Result<(), String> {
    let mut codes: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut names: std::collections::HashMap<&str, &Decl> = std::collections::HashMap::new();
    for r in &d.rules {
        if let Some(first) = codes.insert(&r.code, &r.defined_at) {
            return Err(format!(
                "{}: duplicate rule code `{}` (already declared at {first})",
                r.defined_at, r.code
            ));
        }
        if let Some(x) = d.retired.iter().find(|x| x.code == r.code) {
            return Err(format!(
                "{}: rule code `{}` was retired on {} and is never reused",
                r.defined_at, r.code, x.since
            ));
        }
        if let Some(first) = names.insert(&r.name, r) {
            return Err(format!(
                "{}: rule name `{}` is already {}'s ({})",
                r.defined_at, r.name, first.code, first.defined_at
            ));
        }
    }
    Ok(())
}

/// Every declaration, from the files of rules/ as (file name, text).
pub fn read(files: &[(String, String)]) -> Result<Declared, String> {
    let text = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, t)| t);
    let mut d = builtin(text(BUILTIN_FILE).ok_or("rules/builtin.yaml is missing")?)?;
    for name in &d.packs {
        if d.packs.iter().filter(|p| *p == name).count() > 1 {
            return Err(format!(
                "rules/{BUILTIN_FILE}: pack `{name}` is listed twice"
            ));
        }
    }
    for (file, t) in files {
        let stem = file.strip_suffix(".yaml").unwrap_or(file);
        if is_pack(t) && !d.packs.iter().any(|p| p == stem) {
            return Err(format!(
                "rules/{file} is a pack but not in the shipped list (`packs:` in rules/{BUILTIN_FILE})"
            ));
        }
    }
    for name in d.packs.clone() {
        let file = format!("{name}.yaml");
        let t = text(&file).ok_or_else(|| {
            format!("rules/{BUILTIN_FILE}: the shipped pack `{name}` has no file rules/{file}")
        })?;
        d.rules.extend(pack(&file, &name, t)?);
    }
    check_unique(&d)?;
    Ok(d)
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt(s: Option<&str>) -> String {
    s.map_or("None".into(), |s| format!("Some({})", lit(s)))
}

fn meta(r: &Decl) -> String {
    format!(
        "RuleMeta {{ code: {}, name: {}, severity: Severity::{:?}, summary: {}, help: {}, source: {}, \
         pack: {}, target: {}, confidence: Confidence::{:?}, causality: Causality::{:?}, security: {}, \
         docs: {}, visible_error: {}, defined_at: {} }}",
        lit(&r.code),
        lit(&r.name),
        r.severity,
        lit(&r.summary),
        lit(&r.help),
        lit(&r.source),
        opt(r.pack.as_deref()),
        lit(&r.target),
        r.confidence,
        r.causality,
        r.security,
        lit(&r.docs),
        opt(r.visible_error.as_deref()),
        lit(&r.defined_at),
    )
}

/// The registry's generated part (included by src/registry/mod.rs): a constant per built-in rule,
/// the table of every declared rule, the index of codes and the retired rules.
pub fn rust(d: &Declared) -> String {
    let mut s = String::from(
        "// Generated by build.rs from rules/*.yaml (src/registry/decl.rs). Do not edit.\n\n",
    );
    for r in &d.rules[..d.builtin] {
        s.push_str(&format!(
            "/// {}: {}\npub const {}: RuleMeta = {};\n",
            r.code,
            r.summary.replace('\n', " "),
            r.code,
            meta(r)
        ));
    }
    s.push_str(&format!("\nconst BUILTIN_LEN: usize = {};\n", d.builtin));
    s.push_str(&format!(
        "\nstatic DECLARED: [RuleMeta; {}] = [\n",
        d.rules.len()
    ));
    for r in &d.rules {
        match r.pack {
            None => s.push_str(&format!("    {},\n", r.code)),
            Some(_) => s.push_str(&format!("    {},\n", meta(r))),
        }
    }
    s.push_str("];\n\nfn position(code: &str) -> Option<usize> {\n    match code {\n");
    for (i, r) in d.rules.iter().enumerate() {
        s.push_str(&format!("        {} => Some({i}),\n", lit(&r.code)));
    }
    s.push_str("        _ => None,\n    }\n}\n");
    s.push_str(&format!(
        "\nstatic RETIRED: [Retired; {}] = [\n",
        d.retired.len()
    ));
    for x in &d.retired {
        s.push_str(&format!(
            "    Retired {{ code: {}, since: {}, why: {}, replaced_by: {} }},\n",
            lit(&x.code),
            lit(&x.since),
            lit(&x.why),
            lit(&x.replaced_by)
        ));
    }
    s.push_str("];\n");
    s
}

/// The shipped packs for src/rules/mod.rs, in order: (name, YAML, the tree build.rs parsed from it).
pub fn shipped(d: &Declared) -> String {
    let mut s = String::from("&[\n");
    for p in &d.packs {
        s.push_str(&format!(
            "    ({0:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{0}.yaml\")), \
             include_str!(concat!(env!(\"OUT_DIR\"), \"/{0}.tree\"))),\n",
            p
        ));
    }
    s.push(']');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTIN: &str = "version: 1\npacks: [one]\nrules:\n  STR001:\n    name: a-rule\n    summary: S\n    severity: error\n    causality: unreadable\n    help: h\n    confidence: confirmed\n    source: s\n    docs: |\n      ## What it does\n      y\n\nretired:\n  STR009:\n    since: \"2026-01-01\"\n    why: w\n    replaced_by: STR001\n";

    fn pack_text(code: &str, name: &str) -> String {
        format!(
            "pack: one\ndescription: d\nrules:\n  {code}:\n    name: {name}\n    summary: S\n    severity: warning\n    given: $\n    then: {{ function: truthy }}\n    message: m\n    help: h\n    confidence: inferred\n    security: true\n    source: s\n    docs: |\n      ## What it does\n      x\n"
        )
    }

    fn files(builtin: &str, pack: &str) -> Vec<(String, String)> {
        vec![
            (BUILTIN_FILE.into(), builtin.into()),
            ("one.yaml".into(), pack.into()),
            ("explain.yaml".into(), "- id: x\n".into()),
        ]
    }

    #[test]
    fn reads_builtin_then_packs_in_order() {
        let d = read(&files(BUILTIN, &pack_text("ONE001", "other"))).unwrap();
        let codes: Vec<&str> = d.rules.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["STR001", "ONE001"]);
        assert_eq!(d.builtin, 1);
        let (b, p) = (&d.rules[0], &d.rules[1]);
        assert_eq!(
            (b.pack.as_deref(), b.causality, b.security),
            (None, Causality::Unreadable, false)
        );
        assert_eq!(b.defined_at, "rules/builtin.yaml:4");
        assert_eq!(
            (p.pack.as_deref(), p.causality, p.security),
            (Some("one"), Causality::Content, true)
        );
        assert_eq!(
            (p.target.as_str(), p.confidence),
            ("profile", Confidence::Inferred)
        );
        assert_eq!(b.docs, "## What it does\ny\n");
        assert_eq!(p.docs, "## What it does\nx\n");
        assert_eq!(d.retired[0].replaced_by, "STR001");
        let src = rust(&d);
        assert!(
            src.contains("pub const STR001: RuleMeta = RuleMeta { code: \"STR001\""),
            "{src}"
        );
        assert!(
            !src.contains("pub const ONE001"),
            "only built-in rules get a constant"
        );
    }

    fn error(builtin: &str, pack: &str) -> String {
        read(&files(builtin, pack)).err().unwrap_or_default()
    }

    #[test]
    fn a_code_declared_twice_is_refused() {
        let e = error(BUILTIN, &pack_text("STR001", "other"));
        assert_eq!(
            e,
            "rules/one.yaml:4: duplicate rule code `STR001` (already declared at rules/builtin.yaml:4)"
        );
        let twice = format!("{}  ONE002:\n    name: x\n", pack_text("ONE002", "b"));
        assert_eq!(
            error(BUILTIN, &twice),
            "rules/one.yaml: YAML: Duplicate key \"ONE002\" in mapping at 4:3 and 18:3"
        );
    }

    #[test]
    fn a_retired_code_or_a_taken_name_is_refused() {
        let e = error(BUILTIN, &pack_text("STR009", "other"));
        assert!(e.contains("`STR009` was retired on 2026-01-01"), "{e}");
        let e = error(BUILTIN, &pack_text("ONE001", "a-rule"));
        assert!(e.contains("rule name `a-rule` is already STR001's"), "{e}");
    }

    #[test]
    fn a_builtin_rule_is_strict() {
        let e = error(
            &BUILTIN.replace("    causality: unreadable\n", ""),
            &pack_text("ONE001", "o"),
        );
        assert!(
            e.contains("rule STR001: a built-in rule says its `causality`"),
            "{e}"
        );
        let e = error(
            &BUILTIN.replace("help: h", "help: h\n    visible_error: x"),
            &pack_text("ONE001", "o"),
        );
        assert!(
            e.contains("rules/builtin.yaml:10: rule STR001: unknown key `visible_error`"),
            "{e}"
        );
        let e = error(
            &BUILTIN.replace("    docs: |\n      ## What it does\n      y\n", ""),
            &pack_text("ONE001", "o"),
        );
        assert!(e.contains("rule STR001: `docs` is missing"), "{e}");
        let e = error(
            &BUILTIN.replace("error", "fatal"),
            &pack_text("ONE001", "o"),
        );
        assert!(e.contains("unknown severity `fatal`"), "{e}");
        let e = error(
            &BUILTIN.replace("unreadable", "early"),
            &pack_text("ONE001", "o"),
        );
        assert!(
            e.contains("causality `early` must be one of unreadable, refused"),
            "{e}"
        );
        let e = error(
            &BUILTIN.replace("STR001:", "Str001:"),
            &pack_text("ONE001", "o"),
        );
        assert!(e.contains("rule code `Str001` must be upper-case"), "{e}");
    }

    #[test]
    fn the_shipped_list_and_the_pack_files_agree() {
        let e = error(&BUILTIN.replace("[one]", "[]"), &pack_text("ONE001", "o"));
        assert_eq!(
            e,
            "rules/one.yaml is a pack but not in the shipped list (`packs:` in rules/builtin.yaml)"
        );
        let e = error(
            &BUILTIN.replace("[one]", "[one, two]"),
            &pack_text("ONE001", "o"),
        );
        assert!(
            e.contains("the shipped pack `two` has no file rules/two.yaml"),
            "{e}"
        );
        let e = error(
            BUILTIN,
            &pack_text("ONE001", "o").replace("pack: one", "pack: uno"),
        );
        assert!(e.contains("the pack is named `uno`"), "{e}");
    }
}
