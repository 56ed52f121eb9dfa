//! Any text as XML: pre-scan, DOM, model, structural checks, pretty view with its offset map.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let limits = samlint::limits::Limits::default();
    if let Ok(doc) = samlint::xml::parse(data, &limits) {
        let m = samlint::model::build(&doc);
        let findings = samlint::check::check(&doc, &m);
        let p = samlint::xml::pretty::pretty(&doc, data);
        for f in &findings {
            if let Some(s) = f.span {
                let mapped = p.map_span(s);
                assert!(mapped.end <= p.text.len() && mapped.start <= mapped.end);
            }
        }
    }
});
