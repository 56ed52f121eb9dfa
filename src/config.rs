//! `samlint.yaml`: project settings, found in the working directory or its nearest parent (the first of
//! `samlint.yaml` and `.samlint.yaml`), or given with `--config FILE`; `--isolated` ignores it. Loading
//! is strict: an unknown key or a wrong value is an error that points at the line (exit 2). Flags and
//! `SAMLINT_FORMAT` win over the file.

use crate::finding::Severity;
use crate::report::Format;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Output format (full, concise, json, sarif, junit, github, markdown).
    pub format: Option<Format>,
    /// Exit 1 at or above this severity.
    pub fail_on: Option<Severity>,
    /// Pack files to load, or shipped packs to apply whether or not they fit.
    #[serde(default)]
    pub packs: Vec<String>,
    /// Report only these codes or prefixes.
    #[serde(default)]
    pub select: Vec<String>,
    /// Never report these codes or prefixes.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per code: error, warning, info or off.
    #[serde(default, deserialize_with = "severities")]
    pub severity: std::collections::BTreeMap<String, Option<Severity>>,
    /// Verified email domains (as --domain).
    #[serde(default)]
    pub domains: Vec<String>,
    /// Run preview rules.
    pub preview: Option<bool>,
    /// Show info findings in the human formats (as --show-infos).
    pub show_infos: Option<bool>,
    /// Where the rule pages are published (SARIF `helpUri`; as --docs-url).
    pub docs_url: Option<String>,
    /// Accepted findings: per rule, optionally per client or file, each with a reason.
    #[serde(default)]
    pub suppress: Vec<SuppressionDef>,
    /// The suppressions, checked and placed (filled by `parse`).
    #[serde(skip)]
    pub suppressions: Vec<Suppression>,
}

/// One `suppress:` entry as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionDef {
    /// A code (KC004) or a code prefix (KC).
    pub rule: Option<String>,
    /// Only findings of the Keycloak client with this clientId.
    pub client: Option<String>,
    /// Only findings in inputs whose path matches this glob.
    pub file: Option<String>,
    /// Why the finding is accepted (mandatory).
    pub reason: Option<String>,
    /// The last day the suppression applies (YYYY-MM-DD); after it the findings are reported again.
    pub expires: Option<String>,
}

/// A checked suppression and where it is written.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub rule: String,
    pub client: Option<String>,
    pub file: Option<globset::GlobMatcher>,
    pub file_text: Option<String>,
    pub reason: String,
    pub expires: Option<String>,
    /// The config file and the 1-based line of the entry.
    pub at: (String, usize),
}

impl Suppression {
    /// Does it cover a finding of `code` in input `input` (as named on the command line), in the client
    /// `client` (Keycloak subjects)?
    pub fn covers(&self, code: &str, input: &str, client: Option<&str>) -> bool {
        if !code.starts_with(&self.rule) {
            return false;
        }
        if let Some(c) = &self.client
            && client != Some(c.as_str())
        {
            return false;
        }
        if let Some(g) = &self.file {
            let p = input.trim_start_matches("./");
            if !g.is_match(p) && !g.is_match(input) {
                return false;
            }
        }
        true
    }
    /// A short description for messages: `KC004 for client X in realms/*.json`.
    pub fn describe(&self) -> String {
        let mut s = self.rule.clone();
        if let Some(c) = &self.client {
            s.push_str(&format!(" for client {}", crate::util::one_line(c)));
        }
        if let Some(f) = &self.file_text {
            s.push_str(&format!(" in {}", crate::util::one_line(f)));
        }
        s
    }
}

/// A config file that cannot be used: the message and, when known, the place in the file.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub file: String,
    pub text: std::sync::Arc<str>,
    pub message: String,
    pub span: Option<crate::source::Span>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(s) => {
                let (l, c) = crate::source::line_col(&self.text, s.start);
                write!(f, "{}:{l}:{c}: {}", self.file, self.message)
            }
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl ConfigError {
    /// As a diagnostic that points into the file (rendered like an input error, exit 2).
    pub fn into_input_error(self) -> crate::error::InputError {
        let origin = crate::source::Origin::new(&self.file);
        let kind = crate::error::ErrorKind::Config {
            detail: self.message,
        };
        match self.span {
            Some(s) => crate::error::InputError::at(&origin, kind, self.text, s),
            None => crate::error::InputError::new(&origin, kind),
        }
    }
}

fn severities<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, Option<Severity>>, D::Error> {
    let raw = std::collections::BTreeMap::<String, String>::deserialize(d)?;
    raw.into_iter()
        .map(|(code, level)| {
            let s = if level == "off" {
                None
            } else {
                Some(level.parse::<Severity>().map_err(|e| {
                    serde::de::Error::custom(format!("severity of {code}: {e} (or off)"))
                })?)
            };
            Ok((code, s))
        })
        .collect()
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        <Format as clap::ValueEnum>::from_str(&s, true).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown format `{s}` (expected full, concise, json, sarif, junit, github or markdown)"
            ))
        })
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The config file that applies, if any.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        for name in ["samlint.yaml", ".samlint.yaml"] {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

/// Load a config file; errors name the file and the line.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: name.clone(),
        text: std::sync::Arc::from(""),
        message: format!("cannot read: {e}"),
        span: None,
    })?;
    parse(&text, &name)
}

/// Byte offset of a 1-based line and column (in characters).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or_default();
    rest.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(b, _)| start + b)
}

/// A span of the rest of the line from a byte offset (at least one character).
fn line_span(text: &str, start: usize) -> crate::source::Span {
    let rest = text.get(start..).unwrap_or_default();
    let end = rest
        .find('\n')
        .unwrap_or(rest.len())
        .max(rest.chars().next().map_or(0, char::len_utf8));
    crate::source::Span::new(start, start + end)
}

/// The top-level keys of samlint.yaml (`Config`'s fields as written; a test holds them to serde's
/// own list).
pub const KEYS: [&str; 11] = [
    "format",
    "fail-on",
    "packs",
    "select",
    "ignore",
    "severity",
    "domains",
    "preview",
    "show-infos",
    "docs-url",
    "suppress",
];

/// Does some line of `text` start with one of samlint's keys and a colon (a samlint.yaml with a
/// mistake in it, not some other file)?
fn names_a_key(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start_matches(['{', ' ', '"', '\'']);
        KEYS.iter().any(|k| {
            l.strip_prefix(k)
                .is_some_and(|r| r.trim_start_matches(['"', '\'', ' ']).starts_with(':'))
        })
    })
}

/// A parser message without the values it quotes (`invalid type: string "<a whole file>", expected
/// …` becomes `invalid type: a string, expected …`): a file given as --config by mistake may hold a
/// secret (review 37: a token file's password was printed). Keys and positions stay.
fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("string \"") {
        out.push_str(&rest[..i]);
        out.push_str("a string");
        let after = &rest[i + "string \"".len()..];
        // The quoted value ends at the last `"` before `, expected` (the value may hold quotes).
        let end = after
            .find("\", expected")
            .or_else(|| after.rfind('"'))
            .map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Parse config text; `name` is used in errors.
pub fn parse(text: &str, name: &str) -> Result<Config, ConfigError> {
    let shared: std::sync::Arc<str> = std::sync::Arc::from(text);
    let err = |message: String, span: Option<crate::source::Span>| ConfigError {
        file: name.to_string(),
        text: shared.clone(),
        message,
        span,
    };
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    // Nesting is measured first: libyaml (under yaml_serde) takes quadratic time on deep flow
    // collections (review 57: `suppress: [[[…]]]` 100,000 deep, 200 KB, never finished, and the
    // file is found by walking up from the working directory), marked_yaml's loader overflows the
    // stack on deep block mappings.
    match crate::limits::yaml_depth(text) {
        crate::limits::YamlDepth::Fine => {}
        crate::limits::YamlDepth::TooDeep(at) => {
            return Err(err(
                format!(
                    "nested deeper than {} levels",
                    crate::limits::MAX_YAML_DEPTH
                ),
                Some(crate::source::Span::new(at, at)),
            ));
        }
        // libyaml may read on where yaml-rust2 stops; with this many brackets, how deep the rest
        // nests is not known (review 58).
        crate::limits::YamlDepth::Unmeasured(at, why) => {
            return Err(err(
                format!(
                    "YAML that samlint's check of its nesting stops at ({why}), in a file with more than {} `[` or `{{`, so how deep it nests cannot be checked: correct the YAML here",
                    crate::limits::MAX_YAML_DEPTH
                ),
                Some(crate::source::Span::new(at, at)),
            ));
        }
    }
    let mut config: Config = yaml_serde::from_str(text).map_err(|e| {
        let mut message = unquoted(&crate::util::one_line(&e.to_string()));
        let mut at = e.location().map(|l| (l.line(), l.column()));
        // A value refused by samlint's own check (an unknown severity or format) comes back placed at
        // the start of the mapping: read the file again with positions to point at the value, and
        // name its key.
        let own = message.contains("unknown severity") || message.contains("unknown format");
        if own && let Some((key, l, c)) = marked_error_at(text) {
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            if !message.contains(key.rsplit('.').next().unwrap_or(&key)) {
                message = format!("{key}: {message}");
            }
            at = Some((l, c));
        }
        // A file that is no mapping at all, or names none of samlint's keys, is not samlint's
        // settings (a token or credential file given as --config): none of it is shown, not even
        // a key's name (review 38: `api_token: ghp_…` was shown as the snippet).
        // A key or certificate passed as --config (review 37: the parser's "invalid type: string
        // …" quoted the whole private key on stderr) is named as what it is.
        if message.contains("expected struct Config") && text.contains("-----BEGIN ") {
            at = None;
            message = "a PEM file (a key or certificate), not samlint settings (`key: value` lines, docs/reference.md)".into();
        } else if message.contains("expected struct Config") {
            at = None;
            message =
                "not samlint settings: the file holds no `key: value` lines (docs/reference.md)"
                    .into();
        } else if !names_a_key(text) {
            at = None;
            message =
                "not samlint settings: none of its keys is one of samlint's (docs/reference.md)"
                    .into();
        }
        let span = at.map(|(l, c)| line_span(text, offset_of(text, l, c)));
        err(message, span)
    })?;
    if let Some(u) = &config.docs_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return Err(err(
            format!(
                "docs-url `{}` is not an http(s) URL",
                crate::util::one_line(u)
            ),
            key_line(text, "docs-url"),
        ));
    }
    config.suppressions = suppressions(&config.suppress, text, name).map_err(|(m, s)| err(m, s))?;
    Ok(config)
}

/// Where the file's first value refused by samlint's own checks is (the values serde reads as plain
/// strings and samlint then parses: `format`, `fail-on`, each `severity`), with the key it belongs to,
/// read with marked_yaml, which keeps positions: (key, 1-based line, column).
fn marked_error_at(text: &str) -> Option<(String, usize, usize)> {
    let root = marked_yaml::parse_yaml(0, text).ok()?;
    let map = root.as_mapping()?;
    let at =
        |key: String, n: &marked_yaml::Node| n.span().start().map(|m| (key, m.line(), m.column()));
    // Every refused value; the first in the file is the one serde stopped at (it reads in order).
    let mut bad: Vec<(String, usize, usize)> = Vec::new();
    if let Some(n) = map.get_node("format")
        && n.as_scalar()
            .is_some_and(|v| <Format as clap::ValueEnum>::from_str(v.as_str(), true).is_err())
    {
        bad.extend(at("format".into(), n));
    }
    if let Some(n) = map.get_node("fail-on")
        && n.as_scalar()
            .is_some_and(|v| v.as_str().parse::<Severity>().is_err())
    {
        bad.extend(at("fail-on".into(), n));
    }
    if let Some(sev) = map.get_node("severity").and_then(|n| n.as_mapping()) {
        for (k, v) in sev.iter() {
            let refused = v
                .as_scalar()
                .is_some_and(|v| v.as_str() != "off" && v.as_str().parse::<Severity>().is_err());
            if refused {
                bad.extend(at(format!("severity.{}", k.as_str()), v));
            }
        }
    }
    bad.into_iter().min_by_key(|(_, l, c)| (*l, *c))
}

/// The line of a top-level key, for errors about its value.
fn key_line(text: &str, key: &str) -> Option<crate::source::Span> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(&format!("{key}:")) {
            return Some(line_span(text, at));
        }
        at += line.len();
    }
    None
}

/// Where each `suppress:` entry starts (byte offsets), read with marked_yaml (which keeps positions).
fn entry_offsets(text: &str) -> Vec<usize> {
    let Ok(root) = marked_yaml::parse_yaml(0, text) else {
        return Vec::new();
    };
    let Some(list) = root
        .as_mapping()
        .and_then(|m| m.get_node("suppress"))
        .and_then(|n| n.as_sequence())
    else {
        return Vec::new();
    };
    list.iter()
        .map(|n| {
            n.span()
                .start()
                .map_or(text.len(), |m| offset_of(text, m.line(), m.column()))
        })
        .collect()
}

/// Check the `suppress:` entries: a rule and a reason are mandatory, `expires` is a date, `file` a glob.
fn suppressions(
    defs: &[SuppressionDef],
    text: &str,
    name: &str,
) -> Result<Vec<Suppression>, (String, Option<crate::source::Span>)> {
    let offsets = entry_offsets(text);
    let mut out = Vec::new();
    for (i, d) in defs.iter().enumerate() {
        let span = offsets.get(i).map(|o| line_span(text, *o));
        let line = span.map_or(0, |s| crate::source::line_col(text, s.start).0);
        let Some(rule) = d.rule.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
            return Err((
                "this suppression has no `rule:` (a code such as KC004, or a prefix such as KC)"
                    .into(),
                span,
            ));
        };
        let Some(reason) = d.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
            return Err((
                format!(
                    "the suppression of {} has no `reason:`; say why the finding is accepted (it is shown when the suppression expires or matches nothing)",
                    crate::util::one_line(rule)
                ),
                span,
            ));
        };
        if let Some(e) = &d.expires
            && !is_date(e)
        {
            return Err((
                format!(
                    "`expires: {}` is not a date (YYYY-MM-DD)",
                    crate::util::one_line(e)
                ),
                span,
            ));
        }
        let file = match &d.file {
            Some(g) => Some(
                // `*` stays inside one path segment (`realms/staging-*.json` is not
                // `realms/staging-eu/prod.json`; review 35); `**` crosses them.
                globset::GlobBuilder::new(g)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| {
                        (
                            format!("`file: {}` is not a glob: {e}", crate::util::one_line(g)),
                            span,
                        )
                    })?
                    .compile_matcher(),
            ),
            None => None,
        };
        out.push(Suppression {
            rule: rule.to_ascii_uppercase(),
            client: d.client.clone(),
            file,
            file_text: d.file.clone(),
            reason: reason.to_string(),
            expires: d.expires.clone(),
            at: (name.to_string(), line),
        });
    }
    Ok(out)
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(s[5..7].parse::<u8>(), Ok(1..=12))
        && matches!(s[8..10].parse::<u8>(), Ok(1..=31))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KEYS is serde's own list of Config's fields (its "unknown field" message names them all), and
    /// each is taken as a key; a file naming none is not shown, one naming one is.
    #[test]
    fn the_key_list_is_configs() {
        let e = parse("no-such-key: 1\nformat: json\n", "s.yaml")
            .err()
            .map(|e| e.message);
        let listed = e.unwrap_or_default();
        let expected = KEYS
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(
            // At the end: the whole list, not a prefix of it.
            listed.ends_with(&format!("expected one of {expected}")),
            "{listed}"
        );
        for k in KEYS {
            assert!(names_a_key(&format!("{k}: x\n")), "{k}");
        }
        let secret = parse("api_token: hunter2\n", "t.yaml")
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        assert!(
            secret.span.is_none() && !secret.message.contains("api_token"),
            "{}",
            secret.message
        );
        let pem = parse(
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            "c.pem",
        )
        .err();
        assert!(pem.is_some_and(|e| e.message.starts_with("a PEM file") && e.span.is_none()));
        // A real config mentioning a PEM marker in a value is a config.
        assert!(parse("suppress:\n  - rule: KC008\n    reason: \"-----BEGIN CERTIFICATE----- is public\"\n", "s.yaml").is_ok());
    }

    #[test]
    fn suppressions_need_a_rule_and_a_reason_and_name_their_line() {
        let ok = parse(
            "suppress:\n  - rule: KC004\n    client: c1\n    reason: legacy\n    expires: 2030-01-31\n",
            "s.yaml",
        )
        .unwrap();
        assert_eq!(ok.suppressions.len(), 1);
        assert_eq!(ok.suppressions[0].at.1, 2);
        assert!(ok.suppressions[0].covers("KC004", "x.json", Some("c1")));
        assert!(!ok.suppressions[0].covers("KC004", "x.json", Some("c2")));
        assert!(!ok.suppressions[0].covers("KC001", "x.json", Some("c1")));
        let e = parse(
            "format: json\nsuppress:\n  - rule: KC004\n    reason: ok\n  - rule: KC001\n    client: c\n",
            "s.yaml",
        )
        .unwrap_err();
        assert!(e.message.contains("KC001 has no `reason:`"), "{e}");
        assert_eq!(e.to_string().split(':').nth(1), Some("5"), "{e}");
        let e = parse(
            "suppress:\n  - rule: X\n    reason: r\n    expires: soon\n",
            "s.yaml",
        )
        .unwrap_err();
        assert!(e.message.contains("not a date"), "{e}");
        let e = parse("suppress:\n  - reason: r\n", "s.yaml").unwrap_err();
        assert!(e.message.contains("no `rule:`"), "{e}");
        let e = parse("docs-url: docs/rules\n", "s.yaml").unwrap_err();
        assert!(e.to_string().starts_with("s.yaml:1:1:"), "{e}");
    }

    #[test]
    fn file_globs() {
        let c = parse(
            "suppress:\n  - rule: ATL\n    file: 'realms/legacy-*.json'\n    reason: r\n",
            "s.yaml",
        )
        .unwrap();
        let s = &c.suppressions[0];
        assert!(s.covers("ATL004", "realms/legacy-a.json", None));
        assert!(s.covers("ATL004", "./realms/legacy-a.json", None));
        assert!(!s.covers("ATL004", "realms/new.json", None));
    }
}
