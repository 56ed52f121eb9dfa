//! SARIF 2.1.0 (OASIS): one run, the rules that fired in tool.driver, a result per finding with a
//! physical location in the input file and, for decoded inputs, the decoded XML path and position in the
//! message and properties. Written through serde only. Validated in tests against the official schema and
//! by Microsoft's SARIF Multitool.

use crate::finding::Severity;
use crate::lint::Run;
use crate::registry::rule;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Digest as _;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    tool: Value,
    invocations: Vec<Value>,
    artifacts: Vec<Value>,
    results: Vec<Value>,
    column_kind: &'static str,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A cwd-relative (or `file://` absolute) URI for a path, `/`-separated and percent-encoded.
pub fn path_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let enc: String = p
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    if p.starts_with('/') {
        format!("file://{enc}")
    } else {
        enc.trim_start_matches("./").to_string()
    }
}

fn fingerprint(parts: &[&str]) -> String {
    let h = sha2::Sha256::digest(parts.join("\u{1f}").as_bytes());
    h.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The stable identity of a finding across runs: its rule, its file (or input name), where in the
/// input it is (HAR entry, client) and its XML or JSON path; never its line, so that it survives edits
/// that move lines. SARIF's `partialFingerprints["samlint/v1"]`, and the key of `--baseline`.
pub fn finding_fingerprint(
    run: &Run,
    m: &crate::lint::Linted,
    f: &crate::finding::Finding,
) -> String {
    let uri = super::input_file(run, m).map(path_uri);
    fingerprint(&[
        f.code,
        uri.as_deref()
            .unwrap_or_else(|| run.inputs.get(m.input).map_or("", |i| i.name.as_str())),
        &m.source.origin.within(),
        // A Keycloak list's items by name, not position (a reordered export keeps its fingerprints).
        f.key.as_deref().or(f.path.as_deref()).unwrap_or_default(),
    ])
}

/// How `render` describes rules: the documentation base URL for `helpUri` (`--docs-url`, `docs-url:`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub docs_url: Option<String>,
}

/// GitHub code scanning's `security-severity` (0–10) of a rule declared `security: true` (its
/// findings are about security: forged, replayed or misdirected assertions, weak or untrusted
/// signatures, leaked secrets, not only a login that fails), so that dashboards rank them. GitHub's
/// bands: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9; the band follows the rule's
/// severity (error high, warning medium, info low).
fn security_severity(r: &crate::finding::RuleMeta) -> Option<&'static str> {
    r.security.then_some(match r.severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    })
}

/// The text of one `## Heading` section of a rule page.
fn section<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let start = page.find(&format!("## {heading}\n"))? + heading.len() + 4;
    let rest = &page[start..];
    Some(rest[..rest.find("\n## ").unwrap_or(rest.len())].trim())
}

/// `helpUri` from a documentation base URL: `{code}` in it is replaced by the rule code, else
/// `<base>/<CODE>.md` (where docs/rules is published).
pub fn help_uri(base: &str, code: &str) -> String {
    if base.contains("{code}") {
        base.replace("{code}", code)
    } else {
        format!("{}/{code}.md", base.trim_end_matches('/'))
    }
}

/// A rule as SARIF's reportingDescriptor: the rule page (`samlint rule CODE`, docs/rules) as the help
/// in Markdown and as plain text, its "What it does" as the full description.
fn descriptor(r: &crate::finding::RuleMeta, opts: &Options) -> Value {
    let page = crate::rules::docs::markdown(r.code);
    let what = page
        .as_deref()
        .and_then(|p| section(p, "What it does"))
        .map(|w| w.split_whitespace().collect::<Vec<_>>().join(" "));
    let full = match &what {
        Some(w) => format!("{}. {w}", r.summary),
        None => format!("{}. {}", r.summary, r.help),
    };
    let text = format!(
        "{}\n\n{}How to fix: {}\n\nSource: {}",
        r.summary,
        what.map(|w| format!("{w}\n\n")).unwrap_or_default(),
        r.help,
        r.source
    );
    let mut help = json!({ "text": text });
    if let Some(p) = &page {
        help["markdown"] = json!(p);
    }
    let family = &r.code[..r.code.len() - 3];
    let mut tags = vec![family.to_string()];
    if let Some(pack) = r.pack {
        tags.push(pack.to_string());
    }
    let mut properties = json!({ "source": r.source });
    if let Some(sev) = security_severity(r) {
        tags.push("security".into());
        properties["security-severity"] = json!(sev);
    }
    properties["tags"] = json!(tags);
    let mut d = json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": full},
        "help": help,
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": properties,
    });
    if let Some(base) = &opts.docs_url {
        d["helpUri"] = json!(help_uri(base, r.code));
    }
    d
}

pub fn render(run: &Run) -> String {
    render_with(run, &Options::default())
}

pub fn render_with(run: &Run, opts: &Options) -> String {
    // Inputs that are files get an artifact; pasted values and stdin do not.
    let file_of = |input: usize| -> Option<String> {
        let i = run.inputs.get(input)?;
        std::path::Path::new(&i.name)
            .is_file()
            .then(|| path_uri(&i.name))
    };
    let artifacts: Vec<Value> = run
        .inputs
        .iter()
        .filter_map(|i| {
            file_of(i.index)
                .map(|uri| json!({"location": {"uri": uri}, "roles": ["analysisTarget"]}))
        })
        .collect();
    let artifact_index = |uri: &str| artifacts.iter().position(|a| a["location"]["uri"] == uri);
    let mut fired: Vec<&'static str> = Vec::new();
    let mut results = Vec::new();
    for m in &run.messages {
        let uri = file_of(m.input);
        // The decoded text is the file itself for a raw XML file and for a Keycloak export (whose
        // clients are subjects of one file: no DOM, the JSON text as read).
        let keycloak = m.is_keycloak();
        let same_as_file = super::text_is_file(run, m);
        for f in &m.findings {
            if !fired.contains(&f.code) {
                fired.push(f.code);
            }
            let rule_index = fired.iter().position(|c| *c == f.code).unwrap_or(0);
            let xml_path = f.path.clone().unwrap_or_default();
            let decoded = super::region(m, f);
            let mut text = f.message.to_string();
            if !same_as_file || keycloak {
                text.push_str(&format!(
                    " [in {} at {}]",
                    m.source.origin,
                    if xml_path.is_empty() { "/" } else { &xml_path }
                ));
            }
            let mut location = json!({});
            if let Some(u) = &uri {
                let mut phys = json!({"artifactLocation": {"uri": u}});
                if let Some(i) = artifact_index(u) {
                    phys["artifactLocation"]["index"] = json!(i);
                }
                match (same_as_file, decoded) {
                    (true, Some(r)) => {
                        let (l, c, el, ec) =
                            (r.start_line, r.start_column, r.end_line, r.end_column);
                        phys["region"] = json!({"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec.max(if el == l { c } else { 1 })});
                    }
                    // An encoded input: point at the input; the decoded position is in the message and
                    // in properties.decodedRegion.
                    _ => phys["region"] = json!({"startLine": 1}),
                }
                location["physicalLocation"] = phys;
            }
            if !xml_path.is_empty() {
                let kind = if keycloak { "property" } else { "element" };
                location["logicalLocations"] =
                    json!([{"fullyQualifiedName": xml_path, "kind": kind}]);
            }
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": text},
                "partialFingerprints": {
                    "samlint/v1": finding_fingerprint(run, m, f)
                },
                "properties": {
                    "origin": m.source.origin.0,
                    "xmlPath": xml_path,
                    "messageIndex": m.index,
                    "pack": f.pack,
                }
            });
            if location.as_object().is_some_and(|o| !o.is_empty()) {
                result["locations"] = json!([location]);
            }
            if let Some(r) = decoded {
                result["properties"]["decodedRegion"] = json!({"startLine": r.start_line, "startColumn": r.start_column, "endLine": r.end_line, "endColumn": r.end_column, "byteOffset": f.span.map(|s| s.start)});
            }
            results.push(result);
        }
    }
    let rules: Vec<Value> = fired
        .iter()
        .filter_map(|c| rule(c))
        .map(|r| descriptor(r, opts))
        .collect();
    let notifications: Vec<Value> = run
        .errors()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.origin, crate::util::one_line(&e.kind.to_string()))},
                "descriptor": {"id": e.kind.code()},
            })
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: json!({"driver": {
                "name": "samlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }}),
            invocations: vec![
                json!({"executionSuccessful": !run.has_errors(), "toolExecutionNotifications": notifications}),
            ],
            artifacts,
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut s = crate::util::json_pretty(&log);
    s.push('\n');
    s
}
