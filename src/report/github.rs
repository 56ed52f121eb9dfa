//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, escaped as the
//! runner expects (`%25`, `%0D`, `%0A` in data; also `%3A` and `%2C` in properties), so a value taken from
//! the input can never start a second command.

use crate::finding::Severity;
use crate::lint::Run;

pub fn esc_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::util::sanitize(&escaped).into_owned()
}

pub fn esc_prop(s: &str) -> String {
    esc_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation per finding. A raw XML file and a Keycloak export get the finding's line and column
/// in the file (the region SARIF gives, computed by `report::region`); a decoded input gets the file
/// and the place inside it in the message.
pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for m in &run.messages {
        let file = super::input_file(run, m);
        let same_as_file = super::text_is_file(run, m);
        for f in &m.findings {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = Vec::new();
            // A path holding a character the runner cannot be given (escaped, it would name
            // another file: review 65, a `resp<U+200B>.xml` annotation landed on `resp.xml`) gets
            // no `file`: the message names the input instead, with such characters shown.
            let placed = file.filter(|f| !crate::util::has_unseen(f));
            if let Some(file) = placed {
                props.push(format!("file={}", esc_prop(file)));
                if same_as_file && let Some(r) = super::region(m, f) {
                    props.push(format!(
                        "line={},col={},endLine={},endColumn={}",
                        r.start_line, r.start_column, r.end_line, r.end_column
                    ));
                }
            }
            props.push(format!(
                "title={}",
                esc_prop(&format!("{} {}", f.code, f.name))
            ));
            let mut msg = f.message.to_string();
            if placed.is_none() && file.is_some() || !same_as_file || m.is_keycloak() {
                msg.push_str(&format!(
                    " [in {} at {}]",
                    m.source.origin,
                    f.path.as_deref().unwrap_or("/")
                ));
            }
            out.push_str(&format!(
                "::{level} {}::{}\n",
                props.join(","),
                esc_data(&msg)
            ));
        }
    }
    for e in run.errors() {
        out.push_str(&format!(
            "::error title={}::{}\n",
            esc_prop(&format!("samlint {}", e.kind.code())),
            esc_data(&format!("{}: {}", e.origin, e.kind))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(esc_data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(esc_prop("x:y,z"), "x%3Ay%2Cz");
        assert_eq!(
            esc_data("\u{1b}[31mred\n::error::x"),
            "[31mred%0A::error::x"
        );
    }
}
