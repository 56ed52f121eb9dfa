//! Encrypt a Response's Assertion for an SP certificate (samlint's fixtures and manual experiments):
//! `cargo run --example encrypt -- IN.xml SP-CERT.pem [CONTENT-URI [TRANSPORT-URI]] > OUT.xml`
//! The content key comes from /dev/urandom; the output differs on every run (RSA-OAEP is randomised).
use samlint::decrypt::seal::{Seal, seal_response};
use std::io::Read as _;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 3 {
        eprintln!("usage: encrypt IN.xml SP-CERT.pem [CONTENT-URI [TRANSPORT-URI]]");
        std::process::exit(2);
    }
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut seal = Seal::default();
    if let Some(c) = a.get(3) {
        seal.content = c.clone();
    }
    if let Some(t) = a.get(4) {
        seal.transport = t.clone();
    }
    let size = bergshamra::crypto::cipher::from_uri(&seal.content)
        .map(|c| c.key_size())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cek = vec![0u8; size];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut cek))
        .expect("/dev/urandom");
    let der = samlint::verify::cert::load_idp_cert(&a[2]).expect("certificate")[0]
        .der
        .clone();
    match seal_response(read(&a[1]).trim_end(), &der, &cek, &seal) {
        Ok(s) => println!("{s}"),
        Err(e) => {
            eprintln!("encrypt: {e}");
            std::process::exit(1);
        }
    }
}
