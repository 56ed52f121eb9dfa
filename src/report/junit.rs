//! JUnit XML: one testsuite per input, one testcase per rule evaluated on each message, a failure for
//! each rule with findings at or above `--fail-on` (lower ones go to system-out), an error testcase for
//! anything that could not be linted. Written through quick-xml's writer, which does all escaping.

use crate::finding::Severity;
use crate::lint::Run;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

fn clean(s: &str) -> String {
    // XML 1.0 cannot carry most control characters (removed by `sanitize`), nor U+FFFE and U+FFFF,
    // escaped or not.
    crate::util::sanitize(s)
        .chars()
        .filter(|c| !matches!(c, '\u{fffe}' | '\u{ffff}'))
        .collect()
}

/// Tests, failures, errors.
type Counts = (usize, usize, usize);

pub fn render(run: &Run, fail_on: Severity) -> String {
    let builtin: Vec<&crate::finding::RuleMeta> = crate::registry::builtin().iter().collect();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let mut total = (0usize, 0usize, 0usize); // tests, failures, errors
    let mut suites: Vec<(String, Vec<u8>, Counts)> = Vec::new();
    for input in &run.inputs {
        let mut sw = Writer::new_with_indent(Vec::new(), b' ', 2);
        let mut counts = (0usize, 0usize, 0usize);
        for m in run.messages.iter().filter(|m| m.input == input.index) {
            let class = clean(&format!(
                "{} › message {} ({})",
                m.source.origin,
                m.index + 1,
                m.model.kind.as_str()
            ));
            // The rules that ran: the built-in ones (SAML messages), then those of the packs that applied.
            let mut rules: Vec<&crate::finding::RuleMeta> = if m.is_keycloak() {
                Vec::new()
            } else {
                builtin.clone()
            };
            rules.extend(m.packs.iter().flat_map(|p| p.rules.iter().copied()));
            for r in &rules {
                counts.0 += 1;
                let hits: Vec<_> = m.findings.iter().filter(|f| f.code == r.code).collect();
                let mut tc = BytesStart::new("testcase");
                tc.push_attribute(("classname", class.as_str()));
                let name = format!("{} {}", r.code, r.name);
                tc.push_attribute(("name", name.as_str()));
                let failing: Vec<_> = hits.iter().filter(|f| f.severity >= fail_on).collect();
                let below: Vec<_> = hits.iter().filter(|f| f.severity < fail_on).collect();
                if failing.is_empty() && below.is_empty() {
                    let _ = sw.write_event(Event::Empty(tc));
                    continue;
                }
                let _ = sw.write_event(Event::Start(tc));
                if !failing.is_empty() {
                    counts.1 += 1;
                    let mut fe = BytesStart::new("failure");
                    let msg = clean(
                        &failing
                            .iter()
                            .map(|f| f.message.to_string())
                            .collect::<Vec<_>>()
                            .join(" | "),
                    );
                    fe.push_attribute(("message", msg.as_str()));
                    fe.push_attribute(("type", failing[0].severity.as_str()));
                    let body: Vec<String> = failing
                        .iter()
                        .map(|f| {
                            let loc = f.span.map(|s| m.source.line_col(s.start));
                            format!(
                                "{} {}: {}\n  at {} {}\n  help: {}",
                                f.severity,
                                f.code,
                                f.message,
                                f.path.as_deref().unwrap_or("/"),
                                loc.map(|(l, c)| format!("(decoded line {l}, column {c})"))
                                    .unwrap_or_default(),
                                f.help
                            )
                        })
                        .collect();
                    let _ = sw.write_event(Event::Start(fe));
                    let _ = sw.write_event(Event::Text(BytesText::new(&clean(&body.join("\n")))));
                    let _ = sw.write_event(Event::End(BytesEnd::new("failure")));
                }
                if !below.is_empty() {
                    let text = clean(
                        &below
                            .iter()
                            .map(|f| format!("{} {}: {}", f.severity, f.code, f.message))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    );
                    let _ = sw.write_event(Event::Start(BytesStart::new("system-out")));
                    let _ = sw.write_event(Event::Text(BytesText::new(&text)));
                    let _ = sw.write_event(Event::End(BytesEnd::new("system-out")));
                }
                let _ = sw.write_event(Event::End(BytesEnd::new("testcase")));
            }
        }
        for e in &input.errors {
            counts.0 += 1;
            counts.2 += 1;
            let mut tc = BytesStart::new("testcase");
            let class = clean(&input.name);
            tc.push_attribute(("classname", class.as_str()));
            tc.push_attribute(("name", "decode and parse"));
            let _ = sw.write_event(Event::Start(tc));
            let mut ee = BytesStart::new("error");
            let msg = clean(&format!("{}: {}", e.origin, e.kind));
            ee.push_attribute(("message", msg.as_str()));
            ee.push_attribute(("type", e.kind.code()));
            let _ = sw.write_event(Event::Empty(ee));
            let _ = sw.write_event(Event::End(BytesEnd::new("testcase")));
        }
        total = (total.0 + counts.0, total.1 + counts.1, total.2 + counts.2);
        suites.push((clean(&input.name), sw.into_inner(), counts));
    }
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", "samlint"));
    let (t, f, e) = (
        total.0.to_string(),
        total.1.to_string(),
        total.2.to_string(),
    );
    root.push_attribute(("tests", t.as_str()));
    root.push_attribute(("failures", f.as_str()));
    root.push_attribute(("errors", e.as_str()));
    let _ = w.write_event(Event::Start(root));
    for (name, body, (t, f, e)) in suites {
        let mut s = BytesStart::new("testsuite");
        s.push_attribute(("name", name.as_str()));
        let (t, f, e) = (t.to_string(), f.to_string(), e.to_string());
        s.push_attribute(("tests", t.as_str()));
        s.push_attribute(("failures", f.as_str()));
        s.push_attribute(("errors", e.as_str()));
        if body.is_empty() {
            let _ = w.write_event(Event::Empty(s));
            continue;
        }
        let _ = w.write_event(Event::Start(s));
        // The suite body was written by its own writer; re-emit it event by event to keep one document.
        let body = String::from_utf8_lossy(&body).into_owned();
        let mut r = quick_xml::Reader::from_str(&body);
        loop {
            match r.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(Event::Text(t)) if t.trim().is_empty() => {}
                Ok(ev) => {
                    let _ = w.write_event(ev);
                }
            }
        }
        let _ = w.write_event(Event::End(BytesEnd::new("testsuite")));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("testsuites")));
    let mut out = String::from_utf8_lossy(&w.into_inner()).into_owned();
    out.push('\n');
    out
}
