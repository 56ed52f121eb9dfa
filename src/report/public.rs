//! The public constants a redacted report may show as they are (design.md "Redaction"): the SAML,
//! XML-DSig and XML Encryption vocabularies, well-known attribute names, Keycloak's vocabulary and
//! timestamps. Recognised by exact match only, never by prefix: `urn:oasis:names:tc:SAML:2.0:status:`
//! followed by someone's email address is not public.

/// SAML 2.0 (and 1.1) URNs: namespaces, NameID formats, attribute name formats, status codes, bindings,
/// subject confirmation methods, consent values and the common authentication context classes.
const SAML: &[&str] = &[
    "urn:oasis:names:tc:SAML:2.0:assertion",
    "urn:oasis:names:tc:SAML:2.0:protocol",
    "urn:oasis:names:tc:SAML:2.0:metadata",
    "urn:oasis:names:tc:SAML:1.0:assertion",
    "urn:oasis:names:tc:SAML:1.0:protocol",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:WindowsDomainQualifiedName",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:entity",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
    "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
    "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified",
    "urn:oasis:names:tc:SAML:2.0:status:Success",
    "urn:oasis:names:tc:SAML:2.0:status:Requester",
    "urn:oasis:names:tc:SAML:2.0:status:Responder",
    "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch",
    "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
    "urn:oasis:names:tc:SAML:2.0:status:InvalidAttrNameOrValue",
    "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy",
    "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext",
    "urn:oasis:names:tc:SAML:2.0:status:NoAvailableIDP",
    "urn:oasis:names:tc:SAML:2.0:status:NoPassive",
    "urn:oasis:names:tc:SAML:2.0:status:NoSupportedIDP",
    "urn:oasis:names:tc:SAML:2.0:status:PartialLogout",
    "urn:oasis:names:tc:SAML:2.0:status:ProxyCountExceeded",
    "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
    "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported",
    "urn:oasis:names:tc:SAML:2.0:status:RequestVersionDeprecated",
    "urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooHigh",
    "urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow",
    "urn:oasis:names:tc:SAML:2.0:status:ResourceNotRecognized",
    "urn:oasis:names:tc:SAML:2.0:status:TooManyResponses",
    "urn:oasis:names:tc:SAML:2.0:status:UnknownAttrProfile",
    "urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal",
    "urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding",
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign",
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
    "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact",
    "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
    "urn:oasis:names:tc:SAML:2.0:bindings:PAOS",
    "urn:oasis:names:tc:SAML:2.0:cm:bearer",
    "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key",
    "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches",
    "urn:oasis:names:tc:SAML:2.0:consent:unspecified",
    "urn:oasis:names:tc:SAML:2.0:consent:obtained",
    "urn:oasis:names:tc:SAML:2.0:consent:prior",
    "urn:oasis:names:tc:SAML:2.0:consent:current-implicit",
    "urn:oasis:names:tc:SAML:2.0:consent:current-explicit",
    "urn:oasis:names:tc:SAML:2.0:consent:unavailable",
    "urn:oasis:names:tc:SAML:2.0:consent:inapplicable",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:X509",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:TLSClient",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PreviousSession",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:InternetProtocol",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:InternetProtocolPassword",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SoftwarePKI",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileOneFactorContract",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileOneFactorUnregistered",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SecureRemotePassword",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Telephony",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:AuthenticatedTelephony",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:NomadTelephony",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PersonalTelephony",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PGP",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SPKI",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:XMLDSig",
    "urn:federation:authentication:windows",
    "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password",
    "http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/windows",
    "http://schemas.microsoft.com/claims/multipleauthn",
];

/// XML, XML Schema, XML-DSig and XML Encryption namespaces and algorithm URIs.
const W3C: &[&str] = &[
    "http://www.w3.org/XML/1998/namespace",
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/2001/XMLSchema",
    "http://www.w3.org/2001/XMLSchema-instance",
    "http://www.w3.org/2000/09/xmldsig#",
    "http://www.w3.org/2009/xmldsig11#",
    "http://www.w3.org/2001/04/xmlenc#",
    "http://www.w3.org/2009/xmlenc11#",
    "http://www.w3.org/2001/04/xmldsig-more",
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
    "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "http://www.w3.org/2000/09/xmldsig#base64",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmldsig-more#sha224",
    "http://www.w3.org/2001/04/xmldsig-more#md5",
    "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
    "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
    "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmlenc#sha512",
    "http://www.w3.org/2001/04/xmlenc#Element",
    "http://www.w3.org/2001/04/xmlenc#Content",
    "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes192-cbc",
    "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
    "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
    "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
    "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
    "http://www.w3.org/2001/04/xmlenc#kw-aes128",
    "http://www.w3.org/2001/04/xmlenc#kw-aes256",
    "http://www.w3.org/2009/xmlenc11#aes128-gcm",
    "http://www.w3.org/2009/xmlenc11#aes192-gcm",
    "http://www.w3.org/2009/xmlenc11#aes256-gcm",
    "http://www.w3.org/2009/xmlenc11#rsa-oaep",
    "http://www.w3.org/2009/xmlenc11#mgf1sha1",
    "http://www.w3.org/2009/xmlenc11#mgf1sha256",
];

/// Attribute names that identity providers send and rules read: claim URIs, LDAP OIDs and the
/// plain names Keycloak, Okta, Entra ID and SimpleSAMLphp use.
const ATTRIBUTE_NAMES: &[&str] = &[
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier",
    "http://schemas.xmlsoap.org/claims/Group",
    "http://schemas.xmlsoap.org/claims/CommonName",
    "http://schemas.xmlsoap.org/claims/EmailAddress",
    "http://schemas.xmlsoap.org/claims/UPN",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/windowsaccountname",
    "http://schemas.microsoft.com/identity/claims/displayname",
    "http://schemas.microsoft.com/identity/claims/objectidentifier",
    "http://schemas.microsoft.com/identity/claims/tenantid",
    "http://schemas.microsoft.com/identity/claims/identityprovider",
    "http://schemas.microsoft.com/claims/authnmethodsreferences",
    "urn:oid:0.9.2342.19200300.100.1.1",
    "urn:oid:0.9.2342.19200300.100.1.3",
    "urn:oid:2.5.4.3",
    "urn:oid:2.5.4.4",
    "urn:oid:2.5.4.42",
    "urn:oid:2.5.4.10",
    "urn:oid:2.5.4.11",
    "urn:oid:2.5.4.12",
    "urn:oid:2.16.840.1.113730.3.1.3",
    "urn:oid:2.16.840.1.113730.3.1.241",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.1",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.7",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.9",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.10",
    "urn:oid:1.3.6.1.4.1.5923.1.5.1.1",
    "email",
    "emailAddress",
    "mail",
    "firstName",
    "firstname",
    "lastName",
    "lastname",
    "givenName",
    "givenname",
    "surname",
    "sn",
    "cn",
    "name",
    "fullName",
    "displayName",
    "displayname",
    "username",
    "userName",
    "uid",
    "groups",
    "Groups",
    "group",
    "memberOf",
    "isMemberOf",
    "Role",
    "role",
    "roles",
    "employeeNumber",
    "eduPersonPrincipalName",
    "eduPersonAffiliation",
];

/// Short words that carry no identity.
const WORDS: &[&str] = &[
    "2.0",
    "1.1",
    "true",
    "false",
    "0",
    "1",
    "xs:string",
    "xsd:string",
    "xs:anyType",
    "xs:boolean",
    "xs:integer",
    "xs:dateTime",
    "xs:anyURI",
    "xsd:anyType",
    "xsd:boolean",
    "xsd:integer",
];

/// Is `v` a public constant (exact match)?
pub fn is_public(v: &str) -> bool {
    v.is_empty()
        || SAML.contains(&v)
        || W3C.contains(&v)
        || ATTRIBUTE_NAMES.contains(&v)
        || WORDS.contains(&v)
        || crate::keycloak::is_vocabulary(v)
        || is_timestamp(v)
}

/// A plain timestamp (`2026-11-20T10:00:00.123Z`, `…+01:00`): what SAML's times and a capture's look
/// like, and nothing longer. The time parser is lenient (a space for the `T`, any number of fraction
/// digits); a public value must not be able to carry other text, such as a long run of digits.
pub fn is_timestamp(v: &str) -> bool {
    let fraction = v
        .split_once('.')
        .map_or(0, |(_, f)| f.bytes().take_while(u8::is_ascii_digit).count());
    v.len() <= 35
        && fraction <= 9
        && v.get(10..11) == Some("T")
        && v.bytes()
            .all(|c| c.is_ascii_digit() || b"-:T.Z+".contains(&c))
        && crate::verify::time::parse(v).is_some()
}

/// An attribute name that is public (rules and diagnoses need it).
pub fn is_public_attribute_name(v: &str) -> bool {
    ATTRIBUTE_NAMES.contains(&v) || SAML.contains(&v)
}

/// `local@domain.tld` without spaces: what redaction treats as an email address.
pub fn looks_like_email(t: &str) -> bool {
    t.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !d.starts_with('.') && !t.contains(char::is_whitespace)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_match_only() {
        assert!(is_public("urn:oasis:names:tc:SAML:2.0:status:Success"));
        assert!(is_public("http://www.w3.org/2001/10/xml-exc-c14n#"));
        assert!(!is_public(
            "urn:oasis:names:tc:SAML:2.0:status:Success jane@example.com"
        ));
        assert!(!is_public("urn:oasis:names:tc:SAML:jane.doe"));
        assert!(!is_public("http://www.w3.org/jane.doe@example.com"));
        assert!(!is_public("urn:oid:1.2.3.4.5.6"));
        assert!(is_public("2026-12-02T10:00:00Z"));
        assert!(is_public("2026-12-02T10:00:00.123456789+01:00"));
        // A lenient time is no public constant: a space for the T, a fraction carrying a number.
        assert!(!is_public("2026-12-02 10:00:00Z"));
        assert!(!is_public("2026-01-01T00:00:00.0078051120555867530910Z"));
        assert!(
            looks_like_email("a@b.c") && !looks_like_email("a@b") && !looks_like_email("a b@c.d")
        );
    }
}
