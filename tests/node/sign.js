// Sign a SAML Response the way an IdP built on xml-crypto does, with the same fork Auth0's SP library
// runs (xml-crypto 1.4.1-auth0.2): tests/oracle.rs uses it for responses whose canonical form the
// library writes otherwise than the spec, signed the library's way (the library accepts them).
// stdin: {"xml": "...", "key": "PEM", "cert": "base64 DER", "what": "assertion|response|both",
//         "c14n": "exc|inc", "hmac": false}; stdout: the signed XML. With "hmac": true the signature is
// an HMAC-SHA1 keyed with the certificate's PEM text (what the library keys it with, utils.certToPEM),
// and the KeyInfo's X509Data and X509Certificate are unprefixed, outside XML-DSig's namespace: the
// forgery anyone who has the IdP's public certificate can make (review 64).
'use strict';
const { SignedXml } = require('xml-crypto');

let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const a = JSON.parse(input);
  const c14n = a.c14n === 'inc'
    ? 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315'
    : 'http://www.w3.org/2001/10/xml-exc-c14n#';
  const sign = (xml, target, after) => {
    const sig = new SignedXml();
    sig.addReference(`//*[local-name(.)='${target}']`,
      ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', c14n],
      'http://www.w3.org/2001/04/xmlenc#sha256');
    if (a.hmac) {
      sig.signingKey = `-----BEGIN CERTIFICATE-----\n${a.cert.match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
      sig.signatureAlgorithm = 'http://www.w3.org/2000/09/xmldsig#hmac-sha1';
    } else {
      sig.signingKey = a.key;
      sig.signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
    }
    sig.canonicalizationAlgorithm = c14n;
    sig.keyInfoProvider = {
      getKeyInfo: (key, p) => a.hmac
        ? `<X509Data><X509Certificate>${a.cert}</X509Certificate></X509Data>`
        : `<${p}:X509Data><${p}:X509Certificate>${a.cert}</${p}:X509Certificate></${p}:X509Data>`,
    };
    // After the Issuer, where SAML puts the Signature.
    sig.computeSignature(xml, { prefix: 'ds', location: { reference: after, action: 'after' } });
    return sig.getSignedXml();
  };
  let xml = a.xml;
  if (a.what === 'assertion' || a.what === 'both') {
    xml = sign(xml, 'Assertion', "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']");
  }
  if (a.what === 'response' || a.what === 'both') {
    xml = sign(xml, 'Response', "/*/*[local-name(.)='Issuer']");
  }
  process.stdout.write(xml);
});
