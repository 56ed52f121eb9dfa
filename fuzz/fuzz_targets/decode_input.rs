//! Any bytes on stdin through the whole pipeline: detection (JSON captures, XML, URLs, base64, DEFLATE),
//! parsing, checks and every report format. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = samlint::lint::Options::default();
    let run = samlint::lint::run(&["-".to_string()], &mut std::io::Cursor::new(data), &opts);
    let _ = samlint::report::json::render(&run);
    let _ = samlint::report::human::render_concise(&run);
});
