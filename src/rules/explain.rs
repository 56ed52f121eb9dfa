//! `samlint explain TEXT|URL`: given what the user saw (an Atlassian error_description, a whole
//! `id.atlassian.com/...` error URL, a Keycloak error page title), say what it means, the likely causes,
//! the rules that detect them and what to run next. The knowledge is data: rules/explain.yaml.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    /// The text as the user sees it.
    pub title: String,
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub shown_by: String,
    pub meaning: String,
    pub causes: Vec<String>,
    pub rules: Vec<String>,
    pub next: String,
}

pub const EXPLAIN_YAML: &str = include_str!("../../rules/explain.yaml");

/// Every entry (the embedded file is checked by tests; a broken one yields none).
pub fn entries() -> Vec<Entry> {
    yaml_serde::from_str(EXPLAIN_YAML).unwrap_or_default()
}

/// The texts to match: the input itself, and for a URL its `error` and `error_description` values.
pub fn texts(input: &str) -> Vec<String> {
    let mut out = vec![crate::decode::blob::percent_decode(input.trim(), true)];
    out.extend(
        crate::decode::query::url_params(input)
            .iter()
            .filter(|p| matches!(p.name.as_str(), "error_description" | "error" | "message"))
            .map(|p| p.value()),
    );
    out
}

/// The entries matching what the user saw. A text that is exactly an entry's title (Keycloak's "Invalid
/// Request" is not its "Invalid requester") gets that entry alone.
pub fn explain(input: &str) -> Vec<Entry> {
    let texts: Vec<String> = texts(input).iter().map(|t| t.to_lowercase()).collect();
    let bare = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
    let all = entries();
    let exact: Vec<Entry> = all
        .iter()
        .filter(|e| texts.iter().any(|t| bare(t) == bare(&e.title)))
        .cloned()
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    all.into_iter()
        .filter(|e| {
            e.matches
                .iter()
                .any(|m| texts.iter().any(|t| t.contains(&m.to_lowercase())))
        })
        .collect()
}

/// Human rendering.
pub fn render(input: &str, found: &[Entry]) -> String {
    if found.is_empty() {
        let known: Vec<String> = entries().iter().map(|e| e.matches[0].clone()).collect();
        return format!(
            "samlint does not know this message: {}\n\nKnown messages include: {}.\nRun `samlint check` on the response, HAR or Keycloak export to diagnose the setup itself.\n",
            crate::util::sanitize(&crate::util::one_line(input)),
            known.join(", ")
        );
    }
    let mut s = String::new();
    for e in found {
        s.push_str(&format!("{}\n\n  Shown by: {}\n", e.title, e.shown_by));
        s.push_str(&format!(
            "  What it means: {}\n\n  Likely causes:\n",
            e.meaning
        ));
        for c in &e.causes {
            s.push_str(&format!("    - {c}\n"));
        }
        if !e.rules.is_empty() {
            s.push_str("\n  Rules that detect them:\n");
            for code in &e.rules {
                let summary = crate::finding::rule(code).map_or("", |r| r.summary);
                s.push_str(&format!("    {code:<7} {summary}\n"));
            }
        }
        s.push_str(&format!("\n  Next: {}\n\n", e.next));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_error_description_is_decoded() {
        let u = "https://id.atlassian.com/error?error=access_denied&error_description=Invalid%20thumbprint";
        let e = explain(u);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].id, "invalid-thumbprint");
        assert!(explain("nothing like it").is_empty());
        assert_eq!(texts("a%2+b")[0], "a%2 b");
    }
}
