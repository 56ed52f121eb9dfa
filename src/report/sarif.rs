//! SARIF 2.1.0 (OASIS): one run, the rules that fired in tool.driver, a result per finding with a
//! physical location in the input file and, for decoded inputs, the decoded XML path and position in the
//! message and properties. Written through serde only. Validated in tests against the official schema and
//! by Microsoft's SARIF Multitool.

use crate::finding::{Severity, rule};
use crate::lint::Run;
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

pub fn render(run: &Run) -> String {
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
        let same_as_file = uri.is_some()
            && m.source.encodings.is_empty()
            && (m.source.origin.0.len() == 1 || keycloak);
        for f in &m.findings {
            if !fired.contains(&f.code) {
                fired.push(f.code);
            }
            let rule_index = fired.iter().position(|c| *c == f.code).unwrap_or(0);
            let xml_path = f.path.clone().unwrap_or_default();
            let decoded = f.span.map(|s| {
                let (l, c) = m.source.line_col(s.start);
                let (el, ec) = m.source.line_col(s.end);
                (l, c, el, ec)
            });
            let mut text = crate::util::sanitize(&f.message).into_owned();
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
                    (true, Some((l, c, el, ec))) => {
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
                    "samlint/v1": fingerprint(&[
                        f.code,
                        uri.as_deref().unwrap_or_else(|| run.inputs.get(m.input).map_or("", |i| i.name.as_str())),
                        &m.source.origin.0.get(1..).unwrap_or_default().join(" › "),
                        &xml_path,
                    ])
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
            if let Some((l, c, el, ec)) = decoded {
                result["properties"]["decodedRegion"] = json!({"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec, "byteOffset": f.span.map(|s| s.start)});
            }
            results.push(result);
        }
    }
    let rules: Vec<Value> = fired
        .iter()
        .filter_map(|c| rule(c))
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": format!("{}. {}", r.summary, r.help)},
                "help": {"text": format!("{}\n\nSource: {}", r.help, r.source)},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"source": r.source, "tags": [&r.code[..r.code.len() - 3]]}
            })
        })
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
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
