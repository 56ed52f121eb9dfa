//! `--sp-key FILE`: the SP's RSA private key(s) that open an EncryptedAssertion.
//!
//! Only files are read (a key pasted on the command line would land in the shell's history). PEM
//! (`RSA PRIVATE KEY` = PKCS#1, `PRIVATE KEY` = PKCS#8) or DER of either, or the bare base64 body of
//! either (what Keycloak's realm export holds). The key material never leaves this module: a key is
//! named by its file and the SHA-1 of its public key (SubjectPublicKeyInfo), the same thumbprint a
//! certificate over that key has in its `spki` and what `openssl pkey -pubout -outform DER | sha1sum`
//! prints.

use base64::Engine as _;
use sha1::Digest as _;
use std::sync::Arc;

/// One SP private key, loaded.
#[derive(Clone)]
pub struct SpKey {
    /// The file it came from (as given on the command line).
    pub origin: String,
    /// SHA-1 of the DER SubjectPublicKeyInfo, colon-separated upper-case hex.
    pub public_sha1: String,
    /// DER SubjectPublicKeyInfo: compared with the certificate an EncryptedKey names.
    pub spki: Vec<u8>,
    /// RSA modulus size in bits.
    pub bits: usize,
    pub(super) key: kryptering::SoftwareKey,
}

impl std::fmt::Debug for SpKey {
    // Never the key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpKey")
            .field("origin", &self.origin)
            .field("public_sha1", &self.public_sha1)
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}

/// The run's SP keys (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct SpKeys(pub Arc<Vec<SpKey>>);

impl SpKeys {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, SpKey> {
        self.0.iter()
    }
}

/// The largest key file read (a PEM RSA-16384 key is under 13 KB).
const MAX_KEY_FILE: u64 = 1 << 20;

/// Load `--sp-key FILE`. The error names the problem; the caller prefixes `--sp-key FILE: `.
pub fn load_sp_key(path: &str) -> Result<SpKey, String> {
    let p = std::path::Path::new(path);
    let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    })?;
    if !meta.is_file() {
        return Err("not a file".into());
    }
    if meta.len() > MAX_KEY_FILE {
        return Err(format!(
            "{} bytes is too large for a private key file",
            meta.len()
        ));
    }
    let bytes = std::fs::read(p).map_err(|e| e.to_string())?;
    let der = key_der(&bytes)?;
    from_der(&der, path)
}

/// A key from DER (PKCS#8 or PKCS#1), named `origin`. Public for tests and benches.
pub fn from_der(der: &[u8], origin: &str) -> Result<SpKey, String> {
    let pkcs8 = if is_pkcs1(der) {
        wrap_pkcs1(der)
    } else {
        der.to_vec()
    };
    let key = kryptering::SoftwareKey::from_pkcs8_der(kryptering::KeyAlgorithm::Rsa, &pkcs8)
        .map_err(|_| {
            "not an RSA private key (PKCS#1 or unencrypted PKCS#8); samlint decrypts RSA key transport only"
                .to_string()
        })?;
    let spki = key
        .public_component()
        .map_err(|_| "the RSA public key could not be derived".to_string())?;
    let bits = spki_bits(&spki).unwrap_or(0);
    Ok(SpKey {
        origin: origin.to_string(),
        public_sha1: crate::verify::cert::colon_hex(&sha1::Sha1::digest(&spki)),
        spki,
        bits,
        key,
    })
}

/// The DER inside a key file: PEM, DER, or bare base64.
fn key_der(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes).ok();
    if let Some(t) = text
        && t.contains("-----BEGIN ")
    {
        return pem_key(t);
    }
    if bytes.first() == Some(&0x30) {
        return Ok(bytes.to_vec());
    }
    if let Some(t) = text {
        let compact: String = t.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes())
            && der.first() == Some(&0x30)
        {
            return Ok(der);
        }
    }
    Err("neither PEM, DER nor base64 of a private key".into())
}

/// The private key block of a PEM file; certificates beside it are skipped (a combined `cert+key`
/// file is common), a second private key is refused (which of the two is meant?), anything else is
/// named.
fn pem_key(text: &str) -> Result<Vec<u8>, String> {
    let mut labels: Vec<String> = Vec::new();
    let mut found: Option<Vec<u8>> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(label) = line
            .trim()
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let mut body = String::new();
        let mut encrypted = false;
        let mut ended = false;
        for l in lines.by_ref() {
            let l = l.trim();
            if l.starts_with("-----END ") {
                ended = true;
                break;
            }
            if let Some((name, value)) = l.split_once(':') {
                if name.eq_ignore_ascii_case("Proc-Type") && value.contains("ENCRYPTED") {
                    encrypted = true;
                }
                continue;
            }
            body.push_str(l);
        }
        if !ended {
            return Err(format!("the PEM block `{label}` has no END line"));
        }
        match label {
            "ENCRYPTED PRIVATE KEY" => return Err(encrypted_msg()),
            "RSA PRIVATE KEY" | "PRIVATE KEY" if encrypted => return Err(encrypted_msg()),
            "RSA PRIVATE KEY" | "PRIVATE KEY" => {
                if found.is_some() {
                    return Err(
                        "holds more than one private key: give each with its own --sp-key".into(),
                    );
                }
                found = Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(body.as_bytes())
                        .map_err(|_| format!("the PEM block `{label}` is not valid base64"))?,
                );
            }
            "EC PRIVATE KEY" | "DSA PRIVATE KEY" | "OPENSSH PRIVATE KEY" => {
                return Err(format!(
                    "`{label}`: samlint decrypts with RSA keys only (the key transports SAML IdPs use are RSA-OAEP and RSA-1.5)"
                ));
            }
            other => labels.push(other.to_string()),
        }
    }
    if let Some(k) = found {
        return Ok(k);
    }
    if labels.iter().any(|l| l == "CERTIFICATE") {
        return Err("holds a certificate, not a private key: --sp-key takes the SP's private key (the certificate is what the IdP encrypts to)".into());
    }
    if labels.iter().any(|l| l.contains("PUBLIC KEY")) {
        return Err("holds a public key, not a private key".into());
    }
    match labels.first() {
        Some(l) => Err(format!("holds a `{l}` PEM block, not a private key")),
        None => Err("no PEM block found".into()),
    }
}

fn encrypted_msg() -> String {
    "the private key is encrypted with a passphrase; decrypt it first (`openssl pkey -in KEY -out KEY.plain.pem`) and pass that file".into()
}

/// Is this DER a PKCS#1 RSAPrivateKey (SEQUENCE { INTEGER 0, INTEGER n, ... }) rather than PKCS#8
/// (SEQUENCE { INTEGER 0, SEQUENCE { OID, ... }, OCTET STRING })? Decided by the second element's tag.
fn is_pkcs1(der: &[u8]) -> bool {
    let Some((_, body)) = der_tlv(der, 0x30) else {
        return false;
    };
    let Some((version_len, _)) = der_tlv(body, 0x02) else {
        return false;
    };
    body.get(version_len) == Some(&0x02)
}

/// One DER TLV with the expected tag: (total length, contents).
fn der_tlv(der: &[u8], tag: u8) -> Option<(usize, &[u8])> {
    if *der.first()? != tag {
        return None;
    }
    let first = usize::from(*der.get(1)?);
    let (len, head) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*der.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = head.checked_add(len)?;
    Some((end, der.get(head..end)?))
}

fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo (version 0, rsaEncryption with NULL parameters).
fn wrap_pkcs1(pkcs1: &[u8]) -> Vec<u8> {
    const ALG: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut octets = vec![0x04];
    octets.extend(der_len(pkcs1.len()));
    octets.extend_from_slice(pkcs1);
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend_from_slice(ALG);
    body.extend(octets);
    let mut out = vec![0x30];
    out.extend(der_len(body.len()));
    out.extend(body);
    out
}

/// RSA modulus size of a SubjectPublicKeyInfo.
pub fn spki_bits(spki: &[u8]) -> Option<usize> {
    use x509_parser::prelude::FromDer;
    let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki).ok()?;
    match info.parsed().ok()? {
        x509_parser::public_key::PublicKey::RSA(rsa) => Some(rsa.key_size()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths() {
        assert_eq!(der_len(5), vec![5]);
        assert_eq!(der_len(0x80), vec![0x81, 0x80]);
        assert_eq!(der_len(0x1234), vec![0x82, 0x12, 0x34]);
    }

    #[test]
    fn garbage_is_refused_without_panic() {
        for bad in [
            &b""[..],
            b"\x30",
            b"\x30\x84\xff\xff\xff\xff",
            b"hello",
            b"\x30\x03\x02\x01\x00",
        ] {
            assert!(key_der(bad).and_then(|d| from_der(&d, "x")).is_err());
        }
    }

    #[test]
    fn pem_labels_are_named() {
        let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(pem_key(cert).unwrap_err().contains("certificate"));
        let enc =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert!(pem_key(enc).unwrap_err().contains("decrypt it first"));
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(pem_key(legacy).unwrap_err().contains("decrypt it first"));
    }
}
