//! Sign a SAML message with a key (samlint's fixtures and manual experiments):
//! `cargo run --example sign -- IN.xml KEY.pem CERT.pem response|assertion|both [sha1] > OUT.xml`
use samlint::verify::sign::{Alg, What, pem_body, sign};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: sign IN.xml KEY.pem CERT.pem response|assertion|both [sha1]");
        std::process::exit(2);
    }
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let what = match a[4].as_str() {
        "response" => What::Response,
        "assertion" => What::Assertion,
        _ => What::Both,
    };
    let alg = if a.get(5).is_some_and(|s| s == "sha1") {
        Alg::RsaSha1
    } else {
        Alg::RsaSha256
    };
    match sign(
        read(&a[1]).trim_end(),
        what,
        read(&a[2]).as_bytes(),
        &pem_body(&read(&a[3])),
        alg,
    ) {
        Ok(s) => println!("{s}"),
        Err(e) => {
            eprintln!("sign: {e}");
            std::process::exit(1);
        }
    }
}
