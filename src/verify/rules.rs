//! The signature and trust checks (codes `SIG…`).

use crate::finding::{RuleMeta, Severity};

const DSIG: &str = "XML-DSig 1.1; SAML 2.0 Core §5 (signature profile)";

pub const SIG001: RuleMeta = RuleMeta {
    code: "SIG001",
    name: "signature-invalid",
    severity: Severity::Error,
    summary: "A signature does not verify",
    help: "see the cause in the message; `samlint check --format json` lists each signature, its key and result",
    source: DSIG,
};
pub const SIG002: RuleMeta = RuleMeta {
    code: "SIG002",
    name: "unsigned",
    severity: Severity::Error,
    summary: "Neither the Response nor its assertions are covered by a valid signature",
    help: "turn on 'Sign assertions' (and/or 'Sign documents') on the IdP's client for this SP",
    source: "SAML 2.0 Profiles §4.1.3.5 (POST binding requires a signed assertion or response); https://www.npmjs.com/package/passport-wsfed-saml2/v/4.6.1 lib/passport-wsfed-saml2/samlp.js ('neither the response nor the assertion are signed')",
};
pub const SIG003: RuleMeta = RuleMeta {
    code: "SIG003",
    name: "untrusted-key",
    severity: Severity::Warning,
    summary: "Verified only with the certificate the message carries itself",
    help: "pass the certificate configured at the SP with --idp-cert (or the IdP metadata with --idp-metadata) to check who signed it",
    source: "README.md, Signatures and trust (a key the message carries proves integrity, not origin)",
};
pub const SIG004: RuleMeta = RuleMeta {
    code: "SIG004",
    name: "keyinfo-certificate-differs",
    severity: Severity::Warning,
    summary: "The KeyInfo certificate differs from the configured certificate",
    help: "Atlassian pins the certificate's SHA-1 thumbprint and answers 'Invalid thumbprint' when they differ: paste the certificate the IdP actually sends (Keycloak: Realm settings › Keys › RS256 › Certificate)",
    source: "https://support.atlassian.com/atlassian-cloud/kb/resolving-atlassian-cloud-certificate-error-for-saml-sso/; https://www.npmjs.com/package/passport-wsfed-saml2/v/4.6.1 lib/passport-wsfed-saml2/saml.js (SHA-1 thumbprint of the KeyInfo certificate); https://jira.atlassian.com/browse/ACCESS-1498",
};
pub const SIG005: RuleMeta = RuleMeta {
    code: "SIG005",
    name: "signature-wrapping",
    severity: Severity::Error,
    summary: "What is signed is not what would be read (signature wrapping, duplicate IDs, hidden assertions)",
    help: "a genuine IdP never produces this shape; treat the message as an attack or a broken proxy",
    source: "Somorovsky et al., 'On Breaking SAML' (XSW1-XSW8); SAML 2.0 Core §5.4.2",
};
pub const SIG006: RuleMeta = RuleMeta {
    code: "SIG006",
    name: "sha1",
    severity: Severity::Warning,
    summary: "The signature or digest uses SHA-1",
    help: "set the IdP's signature algorithm to RSA_SHA256 (Keycloak client: Signature algorithm)",
    source: "https://github.com/keycloak/keycloak/pull/16273; https://github.com/keycloak/keycloak-documentation/pull/1739",
};
pub const SIG007: RuleMeta = RuleMeta {
    code: "SIG007",
    name: "forbidden-algorithm",
    severity: Severity::Error,
    summary: "An algorithm that is not acceptable (MD5, DSA, HMAC, or a non-standard URI)",
    help: "sign with RSA-SHA256 (or ECDSA-SHA256) and digest SHA-256",
    source: DSIG,
};
pub const SIG008: RuleMeta = RuleMeta {
    code: "SIG008",
    name: "unsupported-reference",
    severity: Severity::Error,
    summary: "A Reference URI other than \"\" or \"#ID\"",
    help: "SAML signatures reference their own element by ID; samlint never dereferences XPointer, files or URLs",
    source: "SAML 2.0 Core §5.4.2",
};
pub const SIG009: RuleMeta = RuleMeta {
    code: "SIG009",
    name: "short-rsa-key",
    severity: Severity::Warning,
    summary: "The signing key is RSA under 2048 bits",
    help: "generate a 2048-bit (or larger) RSA key for the IdP realm and update the SP's certificate",
    source: "NIST SP 800-131A",
};
pub const SIG010: RuleMeta = RuleMeta {
    code: "SIG010",
    name: "certificate-dates",
    severity: Severity::Warning,
    summary: "The signing certificate is expired or not yet valid",
    help: "rotate the IdP's signing certificate and update it at the SP; the signature itself still verifies",
    source: "https://www.npmjs.com/package/passport-wsfed-saml2/v/4.6.1 lib/passport-wsfed-saml2/saml.js (checkCertExpiration defaults to false; unconfirmed for Atlassian); https://community.atlassian.com/t5/Atlassian-Access-articles/Renew-your-SAML-certificate/ba-p/2121362",
};
pub const SIG011: RuleMeta = RuleMeta {
    code: "SIG011",
    name: "split-value",
    severity: Severity::Error,
    summary: "A NameID or attribute value split by a comment or CDATA (comment-truncation attack family)",
    help: "a genuine IdP never emits this; SPs that read only the first text node see a different user (CVE-2017-11427 family). Atlassian Cloud's library reads the whole text (DOM textContent), so this alone does not change what Atlassian answers",
    source: "CVE-2017-11427, CVE-2018-7340",
};
pub const SIG012: RuleMeta = RuleMeta {
    code: "SIG012",
    name: "unsafe-transform",
    severity: Severity::Error,
    summary: "A transform other than enveloped-signature and canonicalization, or too many transforms",
    help: "SAML signatures use exactly enveloped-signature and exclusive canonicalization",
    source: "SAML 2.0 Core §5.4.4",
};
pub const SIG013: RuleMeta = RuleMeta {
    code: "SIG013",
    name: "with-comments",
    severity: Severity::Warning,
    summary: "Canonicalization #WithComments",
    help: "use http://www.w3.org/2001/10/xml-exc-c14n# (without comments)",
    source: "SAML 2.0 Core §5.4.3",
};
pub const SIG014: RuleMeta = RuleMeta {
    code: "SIG014",
    name: "dsig-object",
    severity: Severity::Warning,
    summary: "A ds:Object inside the signature",
    help: "SAML signatures carry no ds:Object; content there is not the signed element",
    source: "SAML 2.0 Core §5.4",
};
pub const SIG015: RuleMeta = RuleMeta {
    code: "SIG015",
    name: "multiple-references",
    severity: Severity::Error,
    summary: "A signature with more than one Reference",
    help: "a SAML signature has exactly one Reference, to the element that contains it",
    source: "SAML 2.0 Core §5.4.2",
};
pub const SIG016: RuleMeta = RuleMeta {
    code: "SIG016",
    name: "assertion-unsigned-in-signed-response",
    severity: Severity::Info,
    summary: "The Response is signed, the Assertion is not",
    help: "Atlassian Cloud accepts this; Atlassian Data Center requires a signed assertion ('Sign assertions' on)",
    source: "https://github.com/SAML-Toolkits/java-saml/blob/5cd3ed8753dcc076cde86ec68aeb5781326868c8/core/src/main/java/com/onelogin/saml2/authn/SamlResponse.java (Data Center: 'The Assertion of the Response is not signed and the SP requires it'); https://www.npmjs.com/package/passport-wsfed-saml2/v/4.6.1 lib/passport-wsfed-saml2/samlp.js (Cloud: either signature)",
};
pub const SIG017: RuleMeta = RuleMeta {
    code: "SIG017",
    name: "verifier-disagreement",
    severity: Severity::Error,
    summary: "samlint's parser and a verifier disagree about the document",
    help: "a parser differential is the root of many signature bypasses; the message is never reported valid",
    source: "README.md, Signatures and trust (the signed-content contract; --verifier both)",
};
pub const SIG018: RuleMeta = RuleMeta {
    code: "SIG018",
    name: "certificate-expiring",
    severity: Severity::Info,
    summary: "The signing certificate expires within 30 days",
    help: "plan the rotation: add the new certificate at the SP before the IdP switches keys",
    source: "https://community.atlassian.com/t5/Atlassian-Access-articles/Renew-your-SAML-certificate/ba-p/2121362 (Atlassian notifies 30 days before expiry)",
};

pub const SIG019: RuleMeta = RuleMeta {
    code: "SIG019",
    name: "response-unsigned",
    severity: Severity::Info,
    summary: "The Assertion is signed, the Response is not",
    help: "the Response's Destination, InResponseTo and Status are not covered by a signature; SPs that need them signed ask for 'Sign documents' too",
    source: "SAML 2.0 Profiles §4.1.3.5; https://www.npmjs.com/package/passport-wsfed-saml2/v/4.6.1 lib/passport-wsfed-saml2/samlp.js (the Response signature is optional)",
};

pub const SIG020: RuleMeta = RuleMeta {
    code: "SIG020",
    name: "ambiguous-binding-parameters",
    severity: Severity::Error,
    summary: "The query or form repeats a SAML binding parameter",
    help: "a browser sends each of SAMLRequest/SAMLResponse, RelayState, SigAlg and Signature at most once, and never a request and a response together; SPs disagree on which copy they read (PHP keeps the last, Java servlets the first), so a message carried this way is never accepted as signed: capture the exchange again, and suspect tampering if the IdP or SP did not produce it",
    source: "SAML 2.0 Bindings §3.4.4.1 (the signed octets of the Redirect binding) and §3.5.4 (the POST form), https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf",
};

pub const SIG021: RuleMeta = RuleMeta {
    code: "SIG021",
    name: "assertion-not-decrypted",
    severity: Severity::Error,
    summary: "An --sp-key was given, but the EncryptedAssertion was not decrypted",
    help: "check that --sp-key is the private key of the certificate the IdP encrypts to (the finding names each key tried and the certificate the EncryptedKey is for); a refusal (CipherReference, a key fetched from elsewhere, content that is not exactly one Assertion, altered ciphertext) is never checked further",
    source: "XML Encryption 1.1 §4.4 (decryption), https://www.w3.org/TR/xmlenc-core1/; SAML 2.0 Core §2.3.4 (EncryptedAssertion holds one Assertion)",
};

pub const SIG022: RuleMeta = RuleMeta {
    code: "SIG022",
    name: "assertion-decrypted",
    severity: Severity::Info,
    summary: "The EncryptedAssertion was decrypted with --sp-key and its assertion is checked",
    help: "the assertion shown and checked is the decrypted one, in place of the EncryptedAssertion (as python3-saml and xmlsec do); a Response signature is verified over the message as received",
    source: "XML Encryption 1.1 §4.4, https://www.w3.org/TR/xmlenc-core1/; SAML 2.0 Core §2.3.4",
};

pub const RULES: &[RuleMeta] = &[
    SIG001, SIG002, SIG003, SIG004, SIG005, SIG006, SIG007, SIG008, SIG009, SIG010, SIG011, SIG012,
    SIG013, SIG014, SIG015, SIG016, SIG017, SIG018, SIG019, SIG020, SIG021, SIG022,
];
