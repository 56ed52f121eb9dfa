//! The order a person reads findings in (`full`, `concise` and the Markdown report): most severe first,
//! then causes before their consequences, then where they are. The machine formats (JSON, SARIF, JUnit,
//! GitHub) keep the order the checks ran in.

use crate::finding::{Finding, Severity};
use crate::registry::Causality;

/// How early a finding comes among those of its severity: what explains other findings comes first.
/// Each rule declares it (`causality:` in rules/*.yaml, see [`Causality`]); a code no rule has comes
/// last.
pub fn causality(code: &str) -> Causality {
    crate::registry::rule(code).map_or(Causality::Content, |r| r.causality)
}

/// The findings in reading order (a stable sort: equal findings keep the order the checks ran in).
pub fn ordered(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    // A stable sort; the key is computed once per finding (a rule lookup).
    v.sort_by_cached_key(|f| {
        (
            std::cmp::Reverse(f.severity),
            causality(f.code),
            f.span.map_or(0, |s| s.start),
        )
    });
    v
}

/// Findings that say the same thing (same rule, same message, same advice) shown once, with every
/// place they were found.
pub struct Group<'a> {
    pub first: &'a Finding,
    pub all: Vec<&'a Finding>,
}

/// [`ordered`], with identical findings merged into the place of the first. Linear in the number of
/// findings (a hash of each message).
pub fn grouped(findings: &[Finding]) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    let mut index: std::collections::HashMap<(&str, String, &str), usize> =
        std::collections::HashMap::new();
    for f in ordered(findings) {
        let key = (f.code, f.message.to_string(), f.help.as_str());
        match index.get(&key) {
            Some(&i) => out[i].all.push(f),
            None => {
                index.insert(key, out.len());
                out.push(Group {
                    first: f,
                    all: vec![f],
                });
            }
        }
    }
    out
}

/// The infos that a human format folds away unless asked (`--show-infos`): their count and codes.
pub fn folded(findings: &[Finding], show_infos: bool) -> (usize, Vec<&'static str>) {
    if show_infos {
        return (0, Vec::new());
    }
    let mut codes: Vec<&'static str> = Vec::new();
    let mut n = 0;
    for f in findings.iter().filter(|f| f.severity == Severity::Info) {
        n += 1;
        if !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    (n, codes)
}

/// Is this finding shown by a human format?
pub fn shown(f: &Finding, show_infos: bool) -> bool {
    show_infos || f.severity != Severity::Info
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{PRO001, PRO012, SIG002, SIG006};
    use crate::source::Span;

    fn f(rule: &crate::finding::RuleMeta, msg: &'static str, at: usize) -> Finding {
        let mut f = Finding::new(rule, msg);
        f.span = Some(Span::new(at, at + 1));
        f
    }

    #[test]
    fn a_status_comes_before_not_signed_and_errors_before_warnings() {
        let fs = vec![
            f(&SIG006, "sha1", 1),
            f(&PRO012, "time", 0),
            f(&SIG002, "unsigned", 2),
            f(&PRO001, "status", 50),
        ];
        let codes: Vec<&str> = ordered(&fs).iter().map(|f| f.code).collect();
        assert_eq!(codes, ["PRO001", "SIG002", "SIG006", "PRO012"]);
    }

    #[test]
    fn identical_findings_merge_and_different_ones_do_not() {
        let fs = vec![
            f(&SIG006, "uses SHA-1", 10),
            f(&SIG006, "uses SHA-1", 90),
            f(&SIG006, "uses SHA-1 for the digest", 50),
        ];
        let g = grouped(&fs);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].all.len(), 2);
        assert_eq!(g[1].all.len(), 1);
        let (n, codes) = folded(&[f(&PRO012, "a", 0), f(&PRO012, "b", 1)], false);
        assert_eq!((n, codes), (2, vec!["PRO012"]));
        assert_eq!(folded(&fs, true).0, 0);
    }
}
