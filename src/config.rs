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
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// Parse config text; `name` is used in errors.
pub fn parse(text: &str, name: &str) -> Result<Config, String> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    yaml_serde::from_str(text).map_err(|e| match e.location() {
        Some(l) => format!(
            "{name}:{}:{}: {}",
            l.line(),
            l.column(),
            crate::util::one_line(&e.to_string())
        ),
        None => format!("{name}: {}", crate::util::one_line(&e.to_string())),
    })
}
