//! The rule registry: every rule samlint knows, declared once in rules/*.yaml, whichever engine runs
//! it. Rules implemented in Rust (structure `STR`, signatures and trust `SIG`, protocol `PRO`) are
//! declared in rules/builtin.yaml, pack rules in their pack; build.rs reads both (decl.rs) into the
//! table included below, so a run neither parses YAML nor loads a pack to describe a rule.
//!
//! - Each built-in rule is a constant (`registry::SIG001`) that its Rust check binds to: a check cannot
//!   report a code that is declared nowhere (it does not compile), and tests/structure_code.rs fails
//!   for a declared built-in rule no check reports.
//! - `samlint rules`, `samlint rule CODE`, docs/rules, the SARIF rule descriptors, the JSON `rules`,
//!   JUnit, the reading order (`causality`) and SARIF's security-severity (`security`) all read it.
//! - Rules of users' packs (`--pack FILE`) join it at run time ([`intern`]).
//!
//! It depends on nothing in samlint (tests/structure_code.rs checks that): the checks, the engine
//! and the reports depend on it, never the other way round.

// build.rs runs it; the library compiles it for its tests.
#[cfg(test)]
#[allow(dead_code)]
mod decl;
mod schema;

pub use schema::{Causality, Confidence, Severity, kebab, valid_code};
use serde::Serialize;

/// One rule: what it checks, why, and everything samlint says about it. The JSON report's `rules`
/// holds the first six fields (docs/report-v1.schema.json); the others describe the rule to samlint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
    /// Where the requirement comes from.
    pub source: &'static str,
    /// The pack that defines the rule; `None` for a rule implemented in Rust.
    #[serde(skip)]
    pub pack: Option<&'static str>,
    /// What it applies to: a pack rule's `target`, `saml-message` for a built-in rule.
    #[serde(skip)]
    pub target: &'static str,
    #[serde(skip)]
    pub confidence: Confidence,
    /// Where its findings come in the reading order.
    #[serde(skip)]
    pub causality: Causality,
    /// About security (forged, replayed or misdirected assertions, weak or untrusted signatures,
    /// leaked secrets), not only about a login that fails: SARIF tags it and gives a security-severity.
    #[serde(skip)]
    pub security: bool,
    /// The rule's documentation (Markdown: What it does, Why, Example), for built-in and pack rules.
    #[serde(skip)]
    pub docs: &'static str,
    /// The error text the user sees (Atlassian's error_description, Keycloak's error page), if known.
    #[serde(skip)]
    pub visible_error: Option<&'static str>,
    /// Where the rule is declared (`rules/<file>.yaml:<line>`, or a user pack's file and line).
    #[serde(skip)]
    pub defined_at: &'static str,
}

impl Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A rule that was retired: its code is never reused, and `samlint rule CODE` names what replaced it.
#[derive(Debug, Clone, Copy)]
pub struct Retired {
    pub code: &'static str,
    /// The date it was retired (ISO 8601).
    pub since: &'static str,
    pub why: &'static str,
    pub replaced_by: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// The rules implemented in Rust, in the order rules/builtin.yaml declares them.
pub fn builtin() -> &'static [RuleMeta] {
    &DECLARED[..BUILTIN_LEN]
}

/// The shipped packs' rules, pack by pack in the order the packs are applied.
pub fn shipped() -> &'static [RuleMeta] {
    &DECLARED[BUILTIN_LEN..]
}

/// Every rule declared in rules/*.yaml: the built-in ones, then the shipped packs'.
pub fn declared() -> &'static [RuleMeta] {
    &DECLARED
}

/// A rule declared in rules/*.yaml, by code.
pub fn declared_rule(code: &str) -> Option<&'static RuleMeta> {
    position(code).map(|i| &DECLARED[i])
}

/// A rule implemented in Rust, by code.
pub fn builtin_rule(code: &str) -> Option<&'static RuleMeta> {
    declared_rule(code).filter(|r| r.pack.is_none())
}

/// Rules of users' packs loaded in this process.
fn loaded() -> std::sync::MutexGuard<'static, Vec<&'static RuleMeta>> {
    static R: std::sync::Mutex<Vec<&'static RuleMeta>> = std::sync::Mutex::new(Vec::new());
    match R.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Keep a user pack rule's metadata for the life of the process and record it so that reports can
/// describe it. Identical metadata is stored once, so loading the same pack again does not grow memory.
pub fn intern(meta: RuleMeta) -> &'static RuleMeta {
    let mut g = loaded();
    if let Some(m) = g.iter().find(|m| ***m == meta) {
        return m;
    }
    let m: &'static RuleMeta = Box::leak(Box::new(meta));
    g.push(m);
    m
}

/// A rule by code: declared, else of a user pack loaded in this process.
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    declared_rule(code).or_else(|| loaded().iter().find(|m| m.code == code).copied())
}

/// Every rule: the declared ones, then those of users' packs loaded since (the first of each code).
pub fn all() -> Vec<&'static RuleMeta> {
    let mut out: Vec<&'static RuleMeta> = DECLARED.iter().collect();
    for m in loaded().iter() {
        if !out.iter().any(|o| o.code == m.code) {
            out.push(m);
        }
    }
    out
}

/// Every retired rule (docs/reference.md lists them too).
pub fn retired_rules() -> &'static [Retired] {
    &RETIRED
}

/// A retired rule by code.
pub fn retired(code: &str) -> Option<&'static Retired> {
    RETIRED.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_declarations_of_rules_yaml() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut files = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read_to_string(&p).unwrap()));
        }
        let d = decl::read(&files).unwrap();
        assert_eq!(d.rules.len(), DECLARED.len());
        assert_eq!(d.builtin, builtin().len());
        for (r, m) in d.rules.iter().zip(declared()) {
            assert_eq!(r.code, m.code);
            assert_eq!(Some(m), rule(&r.code));
        }
        assert!(builtin().iter().all(|r| r.pack.is_none()));
        assert!(shipped().iter().all(|r| r.pack.is_some()));
    }

    #[test]
    fn lookups() {
        assert_eq!(rule("SIG001"), Some(&SIG001));
        assert_eq!(
            builtin_rule("SIG001").map(|r| r.name),
            Some("signature-invalid")
        );
        assert!(builtin_rule("ATL001").is_none());
        assert_eq!(
            declared_rule("ATL001").and_then(|r| r.pack),
            Some("atlassian-cloud")
        );
        assert!(rule("NOPE001").is_none());
        assert!(builtin_rule("PRO014").is_none());
        assert_eq!(retired("pro014").map(|r| r.replaced_by), Some("ATL003"));
        let m = RuleMeta {
            code: "ORG901",
            pack: Some("org"),
            ..SIG001
        };
        let a = intern(m);
        assert!(std::ptr::eq(a, intern(m)), "interned once");
        assert_eq!(rule("ORG901"), Some(a));
        assert!(all().iter().any(|r| r.code == "ORG901"));
    }
}
