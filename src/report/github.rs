//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, escaped as the
//! runner expects (`%25`, `%0D`, `%0A` in data; also `%3A` and `%2C` in properties), so a value taken from
//! the input can never start a second command.

use crate::finding::Severity;
use crate::lint::Run;

fn esc_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::util::sanitize(&escaped).into_owned()
}

fn esc_prop(s: &str) -> String {
    esc_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for m in &run.messages {
        let file = run
            .inputs
            .get(m.input)
            .map(|i| i.name.as_str())
            .filter(|n| std::path::Path::new(n).is_file());
        let same_as_file =
            file.is_some() && m.source.origin.0.len() == 1 && m.source.encodings.is_empty();
        for f in &m.findings {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = Vec::new();
            if let Some(file) = file {
                props.push(format!("file={}", esc_prop(file)));
                if same_as_file && let Some(s) = f.span {
                    let (l, c) = m.source.line_col(s.start);
                    let (el, ec) = m.source.line_col(s.end);
                    props.push(format!("line={l},col={c},endLine={el},endColumn={ec}"));
                }
            }
            props.push(format!(
                "title={}",
                esc_prop(&format!("{} {}", f.code, f.name))
            ));
            let mut msg = f.message.clone();
            if !same_as_file {
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
