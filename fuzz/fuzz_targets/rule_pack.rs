//! Any text as a rule pack: strict loading never panics, and every error carries a span inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let mut seen = std::collections::BTreeMap::new();
    if let Err(e) = samlint::rules::pack::load("fuzz.yaml", data, "fuzz", &mut seen) {
        if let Some(s) = e.span {
            assert!(s.start <= s.end && s.end <= data.len(), "span {s:?} outside the text");
            assert!(data.is_char_boundary(s.start) && data.is_char_boundary(s.end));
        }
    }
});
