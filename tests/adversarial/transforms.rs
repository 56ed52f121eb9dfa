//! Transforms the contract did not see. bergshamra applies every child of ds:Transforms whose local name
//! is `Transform`, whatever its namespace, and reads `Algorithm` (as libxml2 reads any attribute) by
//! local name in any namespace; the contract read `ds:Transform` and un-namespaced attributes only. A
//! signer's XPath Filter 2.0 transform that subtracts the NameID, written as `f:Transform` or with
//! `x:Algorithm`, left the NameID out of the digest: the NameID was changed and the message reported
//! `valid` (review of 2026-12-05). Each case here is signed for real, with the digest the filter gives,
//! so that a verifier that applies the filter says valid; samlint must refuse the shape instead.

use crate::util::*;
use samlint::verify::sign::What;

const FILTER2: &str = "http://www.w3.org/2002/06/xmldsig-filter2";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const NAMEID_OPEN: &str = "<saml:NameID ";
const NAMEID_CLOSE: &str = "</saml:NameID>";

/// The Assertion-signed template with `filter` (a Transform element's markup) put after the
/// enveloped-signature transform (in place of the exc-c14n one when `last`: the node-set is then
/// canonicalised with inclusive c14n), its digest that of the Assertion without its Signature and
/// without its NameID (what the filter leaves), re-signed, then the NameID changed.
fn filtered(filter: &str, last: bool) -> String {
    let x = signed(What::Assertion);
    let (a0, a1) = assertion_range(&x);
    // The Assertion as the filter leaves it, standalone: its Signature and NameID removed, and the
    // prefixes the Response declares declared on it (where c14n renders them anyway: exclusive c14n
    // the visibly used `saml`, inclusive c14n every namespace in scope).
    let mut a = x[a0..a1].to_string();
    for (open, close) in [
        ("<ds:Signature", "</ds:Signature>"),
        (NAMEID_OPEN, NAMEID_CLOSE),
    ] {
        let (s, e) = element_range(&a, open, close, 0);
        a.replace_range(s..e, "");
    }
    let a = a.replacen(
        "<saml:Assertion ",
        "<saml:Assertion xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ",
        1,
    );
    let mode = if last {
        bergshamra::c14n::C14nMode::Inclusive
    } else {
        bergshamra::c14n::C14nMode::Exclusive
    };
    let c14n = bergshamra::c14n::canonicalize(&a, mode, None, &[] as &[&str]).unwrap();
    let digest = sha256_b64(&c14n);
    let enveloped = format!("<ds:Transform Algorithm=\"{ENVELOPED}\"/>");
    let exc = format!("<ds:Transform Algorithm=\"{EXC}\"/>");
    assert!(
        x.contains(&format!("{enveloped}{exc}")),
        "the template's transforms changed"
    );
    let mut y = if last {
        x.replacen(
            &format!("{enveloped}{exc}"),
            &format!("{enveloped}{filter}"),
            1,
        )
    } else {
        x.replacen(&enveloped, &format!("{enveloped}{filter}"), 1)
    };
    let (d0, d1) = element_range(&y, "<ds:DigestValue>", "</ds:DigestValue>", 0);
    y.replace_range(
        d0..d1,
        &format!("<ds:DigestValue>{digest}</ds:DigestValue>"),
    );
    let y = resign(&y, 0);
    let (n0, n1) = element_range(&y, NAMEID_OPEN, NAMEID_CLOSE, 0);
    let nameid = y[n0..n1].replace(NAMEID, EVIL_NAMEID);
    format!("{}{nameid}{}", &y[..n0], &y[n1..])
}

fn subtract_nameid() -> String {
    format!(
        "<dsig-xpath:XPath xmlns:dsig-xpath=\"{FILTER2}\" Filter=\"subtract\">//saml:NameID</dsig-xpath:XPath>"
    )
}

#[test]
fn a_transform_the_contract_does_not_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    let x = subtract_nameid();
    let cases = [
        (
            "Transform in a foreign namespace (an XPath 2.0 filter)",
            format!(
                "<f:Transform xmlns:f=\"urn:foreign\" Algorithm=\"{FILTER2}\">{x}</f:Transform>"
            ),
            false,
        ),
        (
            "ds:Transform with x:Algorithm (an XPath 2.0 filter) before Algorithm",
            format!(
                "<ds:Transform xmlns:x=\"urn:x\" x:Algorithm=\"{FILTER2}\" Algorithm=\"{EXC}\">{x}</ds:Transform>"
            ),
            true,
        ),
    ];
    for (i, (case, filter, last)) in cases.iter().enumerate() {
        let p = write(
            dir.path(),
            &format!("filter-{i}.xml"),
            filtered(filter, *last),
        );
        l.not_valid(case, &p, &[], true);
        let r = check(&[&p], "rust", &[], &Opts::default());
        let said = messages(r.json.as_ref()).iter().any(|m| {
            m["signature"]["cause"] == "malformed"
                || m["signature"]["refused"]["cause"] == "malformed"
        }) || r
            .json
            .as_ref()
            .and_then(|v| v["findings"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .any(|f| {
                f["code"] == "SIG001"
                    && f["message"].as_str().is_some_and(|m| {
                        m.contains("not XML-DSig's") || m.contains("namespaced attribute")
                    })
            });
        l.check(said, case, || {
            format!("no SIG001 naming the foreign markup: {}", r.line())
        });
    }
    // Control: the same filter as a proper ds:Transform is refused as an unsafe transform (SIG012),
    // which shows the digest above is the one the filter gives (it is refused, not a mismatch).
    let proper = filtered(
        &format!("<ds:Transform Algorithm=\"{FILTER2}\">{x}</ds:Transform>"),
        false,
    );
    let p = write(dir.path(), "proper.xml", proper);
    let r = check(&[&p], "rust", &[], &Opts::default());
    l.check(r.codes().iter().any(|c| c == "SIG012"), "control", || {
        format!(
            "a ds:Transform XPath 2.0 filter is not SIG012: {}",
            r.line()
        )
    });
    l.finish("transforms the contract does not read");
}

/// 2,000 XPath filters in a foreign-namespace Transform, over 2,000 elements, unsigned: bergshamra
/// combines a node-set per filter (quadratic: 20,000 took a minute). Refused before any verifier.
#[test]
fn many_foreign_filters_reach_no_verifier() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    let x = signed(What::Assertion);
    let filters: String = (0..2000)
        .map(|_| format!("<x:XPath xmlns:x=\"{FILTER2}\" Filter=\"union\">//*</x:XPath>"))
        .collect();
    let enveloped = format!("<ds:Transform Algorithm=\"{ENVELOPED}\"/>");
    let many = x.replacen(
        &enveloped,
        &format!(
            "{enveloped}<f:Transform xmlns:f=\"urn:foreign\" Algorithm=\"{FILTER2}\">{filters}</f:Transform>"
        ),
        1,
    );
    let padding: String = (0..2000)
        .map(|i| format!("<saml:AttributeValue>v{i}</saml:AttributeValue>"))
        .collect();
    let many = many.replacen(
        "</saml:AttributeStatement>",
        &format!(
            "<saml:Attribute Name=\"pad\">{padding}</saml:Attribute></saml:AttributeStatement>"
        ),
        1,
    );
    let p = write(dir.path(), "many.xml", many);
    l.not_valid("2,000 foreign XPath filters", &p, &[], true);
    // Refused before any verifier ran: `malformed`, not the digest mismatch a verifier would find.
    let r = check(&[&p], "rust", &[], &Opts::default());
    let ms = messages(r.json.as_ref());
    let refused = !ms.is_empty() && ms.iter().all(|m| m["signature"]["cause"] == "malformed");
    l.check(refused, "refused", || {
        format!("not refused as malformed (a verifier ran): {}", r.line())
    });
    l.finish("foreign filters");
}
