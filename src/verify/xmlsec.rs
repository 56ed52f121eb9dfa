//! libxmlsec1, the reference implementation most SAML SPs use, as samlint's second verifier (cargo
//! feature `xmlsec`), driven through its C API directly so that it is configured for SAML and nothing
//! else:
//! - libxml2 parses from memory with `XML_PARSE_NONET`, no DTD loading and no entity substitution, with
//!   an external-entity loader that refuses everything and no input callbacks; a document it finds not
//!   namespace-well-formed is refused, never verified;
//! - libxmlsec1's own I/O callbacks (file, HTTP, FTP) are removed, its Reference URIs limited to `""` and
//!   same-document, its transforms to enveloped-signature, the canonicalisations, the SHA digests and
//!   the RSA/ECDSA signature methods, manifests ignored, and the key preset (KeyInfo never read);
//! - each signature's position comes from libxml2's own parse (`record_info`), so its verdict is
//!   attached to samlint's signature at the same byte offset, never by order.
//!
//! samlint's contract (contract.rs) refuses everything outside these lists before libxmlsec1 runs; the
//! configuration here is the second wall.
#![allow(unsafe_code)]

use super::cert::Cert;
use super::dsig::{Crypto, Place, RefResult, SigResult, Verifier};
use super::locate::ID_ATTRIBUTES;
use libxml::bindings as lx;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::ptr::null_mut;
use std::sync::Once;
use xmlsec::bindings as xs;

unsafe extern "C" {
    // void xmlSecIOCleanupCallbacks(void); (xmlsec/io.h, not in the xmlsec crate's bindings)
    fn xmlSecIOCleanupCallbacks();
}

const DSIG_NS: &[u8] = b"http://www.w3.org/2000/09/xmldsig#";

/// An external-entity loader that loads nothing.
unsafe extern "C" fn no_entity(
    _url: *const c_char,
    _id: *const c_char,
    _ctxt: lx::xmlParserCtxtPtr,
) -> lx::xmlParserInputPtr {
    null_mut()
}

static INIT: Once = Once::new();

fn init() {
    INIT.call_once(|| {
        // The xmlsec crate initialises libxml2, libxmlsec1 and its OpenSSL backend on first use.
        drop(xmlsec::XmlSecSignatureContext::new());
        // SAFETY: process-wide configuration calls with no arguments or a plain function pointer, made
        // once, after initialisation and before any document is parsed or verified.
        unsafe {
            xmlSecIOCleanupCallbacks();
            lx::xmlCleanupInputCallbacks();
            lx::xmlSetExternalEntityLoader(Some(no_entity));
        }
        super::xmlsec_errors::install();
    });
}

/// A document parsed by libxml2 with node positions recorded. Owns the parser context (which holds the
/// positions) and the document.
struct Parsed {
    ctxt: lx::xmlParserCtxtPtr,
    doc: lx::xmlDocPtr,
}

impl Drop for Parsed {
    fn drop(&mut self) {
        // SAFETY: both were created by `parse` and are freed exactly once here; the context does not own
        // the document (myDoc is freed separately, as libxml2 requires).
        unsafe {
            if !self.doc.is_null() {
                lx::xmlFreeDoc(self.doc);
            }
            if !self.ctxt.is_null() {
                (*self.ctxt).myDoc = null_mut();
                // The positions recorded by `record_info` are not freed by xmlFreeParserCtxt (5 KB per
                // document, found by LeakSanitizer in the verify_differential fuzz target).
                lx::xmlClearNodeInfoSeq(&mut (*self.ctxt).node_seq);
                lx::xmlFreeParserCtxt(self.ctxt);
            }
        }
    }
}

fn parse(xml: &str) -> Result<Parsed, String> {
    init();
    let len = c_int::try_from(xml.len()).map_err(|_| "the document is too large for libxml2")?;
    // SAFETY: the buffer outlives the parse (libxml2 copies what it keeps); every pointer is checked.
    unsafe {
        let ctxt = lx::xmlCreateMemoryParserCtxt(xml.as_ptr() as *const c_char, len);
        if ctxt.is_null() {
            return Err("libxml2 could not create a parser".into());
        }
        let mut p = Parsed {
            ctxt,
            doc: null_mut(),
        };
        // IGNORE_ENC: the text is UTF-8 (samlint's prescan lets another declared encoding through
        // only on pure-ASCII text, which reads the same in every ASCII-compatible encoding). Without
        // it libxml2 switches decoders at the declaration and records positions off by its length,
        // so no verdict would find its signature.
        let options = lx::xmlParserOption_XML_PARSE_NONET
            | lx::xmlParserOption_XML_PARSE_IGNORE_ENC
            | lx::xmlParserOption_XML_PARSE_NOERROR
            | lx::xmlParserOption_XML_PARSE_NOWARNING;
        lx::xmlCtxtUseOptions(ctxt, options as c_int);
        (*ctxt).record_info = 1;
        let rc = lx::xmlParseDocument(ctxt);
        p.doc = (*ctxt).myDoc;
        (*ctxt).myDoc = null_mut();
        if rc != 0 || p.doc.is_null() || (*ctxt).wellFormed == 0 {
            return Err("libxml2 could not parse the document".into());
        }
        if (*ctxt).nsWellFormed == 0 {
            return Err("libxml2 finds the document not namespace-well-formed".into());
        }
        Ok(p)
    }
}

impl Parsed {
    /// Where libxml2 recorded an element. libxml2 2.9 records the end of every element correctly but
    /// not the start of one with content, so only the end is taken.
    fn place(&self, node: *const lx::xmlNode) -> Option<Place> {
        // SAFETY: `node` belongs to this document; the context holding the positions is alive.
        let info = unsafe { lx::xmlParserFindNodeInfo(self.ctxt, node as lx::xmlNodePtr) };
        if info.is_null() {
            return None;
        }
        // SAFETY: a non-null pointer into the context's node-info table.
        let info = unsafe { &*info };
        let end = usize::try_from(info.end_pos).ok()?;
        (end > 0).then_some(Place { start: None, end })
    }

    /// Every element in document order.
    fn elements(&self) -> Vec<lx::xmlNodePtr> {
        let mut out = Vec::new();
        // SAFETY: walking the tree libxml2 built; only element nodes are followed into.
        unsafe {
            let mut stack = vec![lx::xmlDocGetRootElement(self.doc)];
            while let Some(n) = stack.pop() {
                if n.is_null() {
                    continue;
                }
                if (*n).type_ == lx::xmlElementType_XML_ELEMENT_NODE {
                    out.push(n);
                    let mut kids = Vec::new();
                    let mut c = (*n).children;
                    while !c.is_null() {
                        kids.push(c);
                        c = (*c).next;
                    }
                    stack.extend(kids.into_iter().rev());
                }
            }
        }
        out
    }

    /// Register every attribute samlint treats as an ID (locate.rs) as a libxml2 ID, so that libxmlsec1
    /// resolves `#id` to the element samlint resolves it to. The contract has refused documents in which
    /// an ID value is carried by two elements, so no registration can shadow another.
    fn register_ids(&self, elements: &[lx::xmlNodePtr]) {
        // SAFETY: attributes and their values belong to this document; xmlNodeListGetString returns a
        // libxml2 allocation that is freed with xmlFree.
        unsafe {
            for &e in elements {
                let mut a = (*e).properties;
                while !a.is_null() {
                    let name = CStr::from_ptr((*a).name as *const c_char).to_bytes();
                    if ID_ATTRIBUTES.iter().any(|i| i.as_bytes() == name) {
                        let v = lx::xmlNodeListGetString(self.doc, (*a).children, 1);
                        if !v.is_null() {
                            lx::xmlAddID(null_mut(), self.doc, v, a);
                            if let Some(free) = lx::xmlFree {
                                free(v as *mut c_void);
                            }
                        }
                    }
                    a = (*a).next;
                }
            }
        }
    }

    /// The position of the element a Reference URI resolves to in libxml2's ID table.
    fn resolve(&self, uri: &str) -> Option<Place> {
        let id = CString::new(uri.strip_prefix('#')?).ok()?;
        // SAFETY: a NUL-terminated ID; xmlGetID returns an attribute of this document or NULL.
        unsafe {
            let attr = lx::xmlGetID(self.doc, id.as_ptr() as *const u8);
            if attr.is_null() {
                return None;
            }
            self.place((*attr).parent as *const lx::xmlNode)
        }
    }
}

fn is_signature(n: lx::xmlNodePtr) -> bool {
    // SAFETY: an element node of a live document; name and namespace are NUL-terminated or NULL.
    unsafe {
        let ns = (*n).ns;
        !ns.is_null()
            && !(*ns).href.is_null()
            && CStr::from_ptr((*ns).href as *const c_char).to_bytes() == DSIG_NS
            && CStr::from_ptr((*n).name as *const c_char).to_bytes() == b"Signature"
    }
}

/// The transforms libxmlsec1 may run: in a Reference (enveloped, canonicalisations, digests) and in
/// SignedInfo (canonicalisations, signature methods).
fn allow(list: xs::xmlSecPtrListPtr, ids: &[xs::xmlSecTransformId]) -> Result<(), String> {
    if list.is_null() {
        return Err("libxmlsec1 could not create its transform allow-list".into());
    }
    for id in ids {
        // SAFETY: a list owned by a live context; transform klasses are static.
        if unsafe { xs::xmlSecPtrListAdd(list, *id as xs::xmlSecPtr) } < 0 {
            return Err("libxmlsec1 could not configure its transform allow-list".into());
        }
    }
    Ok(())
}

fn c14n_ids() -> Vec<xs::xmlSecTransformId> {
    // SAFETY: klass getters return pointers to static descriptions.
    unsafe {
        vec![
            xs::xmlSecTransformExclC14NGetKlass(),
            xs::xmlSecTransformExclC14NWithCommentsGetKlass(),
            xs::xmlSecTransformInclC14NGetKlass(),
            xs::xmlSecTransformInclC14NWithCommentsGetKlass(),
            xs::xmlSecTransformInclC14N11GetKlass(),
            xs::xmlSecTransformInclC14N11WithCommentsGetKlass(),
        ]
    }
}

/// A verification context for one signature with the key preset and the SAML-only configuration.
struct Ctx(xs::xmlSecDSigCtxPtr);

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: created by xmlSecDSigCtxCreate, destroyed once; it owns the preset key.
        unsafe { xs::xmlSecDSigCtxDestroy(self.0) }
    }
}

fn context(key: &Cert) -> Result<Ctx, String> {
    // SAFETY: a fresh context without keys manager (KeyInfo can yield no key); the key loaded from the
    // certificate's DER is handed to the context, which frees it.
    unsafe {
        let ctx = xs::xmlSecDSigCtxCreate(null_mut());
        if ctx.is_null() {
            return Err("libxmlsec1 could not create a context".into());
        }
        let c = Ctx(ctx);
        let len = u32::try_from(key.der.len()).map_err(|_| "certificate too large")?;
        let k = xs::xmlSecOpenSSLAppKeyLoadMemory(
            key.der.as_ptr(),
            len,
            xs::xmlSecKeyDataFormat_xmlSecKeyDataFormatCertDer,
            std::ptr::null(),
            null_mut(),
            null_mut(),
        );
        if k.is_null() {
            return Err("key not usable by xmlsec".into());
        }
        (*ctx).signKey = k;
        (*ctx).flags |= xs::XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS
            | xs::XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
        (*ctx).enabledReferenceUris =
            (xs::xmlSecTransformUriTypeEmpty | xs::xmlSecTransformUriTypeSameDocument) as _;
        (*ctx).transformCtx.enabledUris =
            (xs::xmlSecTransformUriTypeEmpty | xs::xmlSecTransformUriTypeSameDocument) as _;
        let mut reference = c14n_ids();
        reference.extend([
            xs::xmlSecTransformEnvelopedGetKlass(),
            xs::xmlSecOpenSSLTransformSha1GetKlass(),
            xs::xmlSecOpenSSLTransformSha224GetKlass(),
            xs::xmlSecOpenSSLTransformSha256GetKlass(),
            xs::xmlSecOpenSSLTransformSha384GetKlass(),
            xs::xmlSecOpenSSLTransformSha512GetKlass(),
        ]);
        // The context destroys this list (xmlSecDSigCtxFinalize).
        (*ctx).enabledReferenceTransforms =
            xs::xmlSecPtrListCreate(xs::xmlSecTransformIdListGetKlass());
        allow((*ctx).enabledReferenceTransforms, &reference)?;
        let mut signed_info = c14n_ids();
        signed_info.extend([
            xs::xmlSecOpenSSLTransformRsaSha1GetKlass(),
            xs::xmlSecOpenSSLTransformRsaSha224GetKlass(),
            xs::xmlSecOpenSSLTransformRsaSha256GetKlass(),
            xs::xmlSecOpenSSLTransformRsaSha384GetKlass(),
            xs::xmlSecOpenSSLTransformRsaSha512GetKlass(),
            xs::xmlSecOpenSSLTransformEcdsaSha1GetKlass(),
            xs::xmlSecOpenSSLTransformEcdsaSha224GetKlass(),
            xs::xmlSecOpenSSLTransformEcdsaSha256GetKlass(),
            xs::xmlSecOpenSSLTransformEcdsaSha384GetKlass(),
            xs::xmlSecOpenSSLTransformEcdsaSha512GetKlass(),
        ]);
        allow(&mut (*ctx).transformCtx.enabledTransforms, &signed_info)?;
        Ok(c)
    }
}

/// libxmlsec1's own words: "data and digest do not match" (content changed) or "data do not match"
/// (the signature value, i.e. the key).
fn why(said: &[String]) -> String {
    if said.iter().any(|m| m.contains("digest do not match")) {
        "digest mismatch (xmlsec: data and digest do not match)".to_string()
    } else if said.iter().any(|m| m.contains("data do not match")) {
        "signature value verification failed (xmlsec: data do not match)".to_string()
    } else {
        format!(
            "xmlsec: {}",
            said.last().map(String::as_str).unwrap_or("not verified")
        )
    }
}

/// The References libxmlsec1 processed for a signature it found valid.
fn references(p: &Parsed, ctx: &Ctx) -> Vec<RefResult> {
    let mut out = Vec::new();
    // SAFETY: the list and its items belong to the live context (STORE_SIGNEDINFO_REFERENCES).
    unsafe {
        let list = &mut (*ctx.0).signedInfoReferences as *mut xs::xmlSecPtrList;
        for i in 0..xs::xmlSecPtrListGetSize(list) {
            let r = xs::xmlSecPtrListGetItem(list, i) as xs::xmlSecDSigReferenceCtxPtr;
            if r.is_null() {
                continue;
            }
            let uri = if (*r).uri.is_null() {
                None
            } else {
                Some(
                    CStr::from_ptr((*r).uri as *const c_char)
                        .to_string_lossy()
                        .into_owned(),
                )
            };
            out.push(RefResult {
                digest_ok: (*r).status == xs::xmlSecDSigStatus_xmlSecDSigStatusSucceeded,
                resolved: match uri.as_deref() {
                    None | Some("") => None,
                    Some(u) => Some(p.resolve(u).unwrap_or(Place {
                        start: None,
                        end: usize::MAX,
                    })),
                },
            });
        }
    }
    out
}

pub struct Xmlsec;

impl Verifier for Xmlsec {
    fn name(&self) -> &'static str {
        "xmlsec"
    }

    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<SigResult>, String> {
        let p = parse(xml)?;
        let elements = p.elements();
        p.register_ids(&elements);
        let mut out = Vec::new();
        for n in elements.into_iter().filter(|n| is_signature(*n)) {
            let at = p
                .place(n)
                .ok_or("libxml2 recorded no position for a signature")?;
            let ctx = context(key)?;
            super::xmlsec_errors::take();
            // SAFETY: a signature node of the live document and a configured context.
            let rc = unsafe { xs::xmlSecDSigCtxVerify(ctx.0, n as xs::xmlNodePtr) };
            let said = super::xmlsec_errors::take();
            // SAFETY: the context's status after a verification.
            let ok = unsafe { (*ctx.0).status } == xs::xmlSecDSigStatus_xmlSecDSigStatusSucceeded;
            let outcome = if rc == 0 && ok {
                Crypto::Valid {
                    references: references(&p, &ctx),
                }
            } else if rc == 0 {
                Crypto::Invalid(why(&said))
            } else {
                Crypto::Invalid(format!("xmlsec: processing failed; {}", why(&said)))
            };
            out.push(SigResult { at, outcome });
        }
        Ok(out)
    }

    fn verify_raw(
        &self,
        _sig_alg: &str,
        _data: &[u8],
        _signature: &[u8],
        _key: &Cert,
    ) -> Result<bool, String> {
        Err("the xmlsec verifier checks XML signatures only; Redirect-binding signatures use the Rust verifier".into())
    }
}
