//! Differential over `--sp-key`: one (mutated) Response with an EncryptedAssertion, linted without the
//! SP's key and with it. Crashes when (a) anything panics, or (b) the message as received is refused
//! for its shape (wrapping, duplicate IDs: a verdict that does not depend on any key) and yet the
//! decrypted message is `valid` (the class of the review finding fixed in 25c4d38: decryption replaces
//! the EncryptedAssertion, and content planted in it must not vanish with it), or (c) a message that
//! did not decrypt (SIG021) is `valid`.
//! Build: RUSTC_BOOTSTRAP=1 cargo fuzz run decrypt_differential (seeds: sh seed.sh).
#![no_main]
use libfuzzer_sys::fuzz_target;
use samlint::lint::{Options, run};
use samlint::verify::Status;
use std::sync::OnceLock;

static OPTS: OnceLock<(Options, Options)> = OnceLock::new();

fn opts() -> &'static (Options, Options) {
    OPTS.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/keys/");
        let mut plain = Options::default();
        plain.trust.certs = samlint::verify::cert::load_idp_cert(&format!("{root}idp-cert.pem"))
            .expect("the fixture IdP certificate loads");
        let mut keyed = plain.clone();
        let key = samlint::decrypt::load_sp_key(&format!("{root}sp-key.pem"))
            .expect("the fixture SP key loads");
        keyed.sp_keys = samlint::decrypt::SpKeys(std::sync::Arc::new(vec![key]));
        (plain, keyed)
    })
}

fuzz_target!(|data: &[u8]| {
    let (plain, keyed) = opts();
    let lint = |o: &Options| run(&["-".to_string()], &mut std::io::Cursor::new(data), o);
    let without = lint(plain);
    let with = lint(keyed);
    for (i, m) in with.messages.iter().enumerate() {
        let Some(s) = m.signature.as_ref() else { continue };
        if s.status != Status::Valid {
            continue;
        }
        assert!(
            !m.findings.iter().any(|f| f.code == "SIG021"),
            "valid although the EncryptedAssertion was not decrypted"
        );
        if let Some(w) = without.messages.get(i).and_then(|w| w.signature.as_ref())
            && w.status == Status::Invalid
            && matches!(w.cause, Some("wrapping") | Some("duplicate-id"))
        {
            panic!(
                "refused as received ({:?}) but valid once decrypted",
                w.cause
            );
        }
    }
});
