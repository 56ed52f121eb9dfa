//! Any text as samlint.yaml: strict loading never panics and errors carry a position.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let _ = samlint::config::parse(data, "samlint.yaml");
});
