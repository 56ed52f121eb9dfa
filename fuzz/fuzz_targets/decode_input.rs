//! Any bytes on stdin through the whole pipeline: detection (JSON captures, XML, URLs, base64, DEFLATE),
//! parsing, checks and every report format. Must never panic. Also: a message slimmed the way batch
//! runs do (lint::Finish) gives the same JSON report, and the line index agrees with the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = samlint::lint::Options::default();
    let run = samlint::lint::run(&["-".to_string()], &mut std::io::Cursor::new(data), &opts);
    let json = samlint::report::json::render(&run);
    let _ = samlint::report::human::render_concise(&run, true);
    let mut slim = run.clone();
    for m in &mut slim.messages {
        let ix = samlint::source::LineIndex::new(&m.source.text);
        for s in m.findings.iter().filter_map(|f| f.span) {
            for off in [s.start, s.end] {
                assert_eq!(ix.line_col(off), samlint::source::line_col(&m.source.text, off));
            }
        }
        m.slim(true);
    }
    assert_eq!(samlint::report::json::render(&slim), json);
});
