//! Any input through the redacted Markdown report and the redacted machine formats.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = samlint::lint::Options::default();
    let run = samlint::lint::run(&["-".to_string()], &mut std::io::Cursor::new(data), &opts);
    let md = samlint::report::markdown::render(&run, samlint::report::markdown::Options { redact: true, keep_domains: false, seed: Some(1) });
    let _ = md;
    let red = samlint::report::redact::run(&run, Some(1), false);
    let _ = samlint::report::sarif::render(&red);
    let _ = samlint::report::junit::render(&red, samlint::finding::Severity::Error);
    let _ = samlint::report::github::render(&red);
});
