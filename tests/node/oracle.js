#!/usr/bin/env node
// The oracle of tests/oracle.rs: Auth0's SP library passport-wsfed-saml2 4.6.1 (with Auth0's xml-crypto
// fork, package.json `overrides`), configured as an Atlassian Cloud SAML connection is configured in
// Auth0, judging SAML responses at a fake clock. One process reads many cases: JSON lines in, JSON
// lines out, in order.
//
// In:  {"id": "...", "xml": "<decoded SAMLResponse>", "now": "<RFC 3339 instant>",
//       "realm": "<SP entity ID>", "acs": "<ACS URL>", "cert": "<base64 DER of the pasted certificate>"}
// Out: {"id": "...", "accepted": true|false, "message": "<the library's error message>"|null,
//       "error": "<its class name>"|null, "threw": bool, "bare": "<a thrown string>"|null,
//       "nameid": "<NameID the profile carries>"|null}
// A rejection with `message` null is an error without a message (xml-crypto throws bare strings).
//
// The library's text is reported whole: what Atlassian shows of it (error_description) is samlint's
// model (src/predict/), applied by the test, not by this script.
'use strict';

// The clock: the library reads `new Date()` (validateExpiration, cert dates); every case sets it. The
// global is replaced before the library is loaded, so every module sees the fake one.
const RealDate = Date;
let fakeNow = RealDate.now();
class FakeDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      super(fakeNow);
    } else {
      super(...args);
    }
  }
  static now() {
    return fakeNow;
  }
}
global.Date = FakeDate;

// stdout carries the answers only: whatever the libraries log (xmldom's parser warnings) goes to stderr.
const out = process.stdout;
console.log = console.error;
console.info = console.error;
console.warn = console.error;

const crypto = require('crypto');
const readline = require('readline');
const lib = 'passport-wsfed-saml2/lib/passport-wsfed-saml2/';
const SAML = require(lib + 'saml').SAML;
const Samlp = require(lib + 'samlp');

function judge(c) {
  return new Promise((resolve) => {
    const t = RealDate.parse(c.now);
    fakeNow = Number.isNaN(t) ? RealDate.now() : t;
    // Auth0 stores the pasted certificate and its SHA-1 thumbprint; the library gets both.
    const der = Buffer.from(c.cert, 'base64');
    const thumbprint = crypto.createHash('sha1').update(der).digest('hex');
    const options = {
      realm: c.realm,
      recipientUrl: c.acs,
      destinationUrl: c.acs,
      cert: c.cert,
      thumbprints: [thumbprint],
      checkExpiration: true,
      checkAudience: true,
      checkRecipient: true,
      checkDestination: true,
      checkCertExpiration: false,
    };
    let done = false;
    const finish = (r) => {
      if (!done) {
        done = true;
        resolve(Object.assign({ id: c.id }, r));
      }
    };
    try {
      const samlp = new Samlp(options, new SAML(options));
      samlp.validateSamlResponse(c.xml, (err, profile) => {
        if (err) {
          // xml-crypto sometimes throws a bare string: the error then has no message at all.
          const message = err.message === undefined ? null : String(err.message);
          finish({
            accepted: false,
            message,
            error: err.name || null,
            threw: false,
            bare: typeof err === 'string' ? err : null,
            nameid: null,
          });
        } else {
          const n =
            profile && profile['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier'];
          finish({ accepted: true, message: null, error: null, threw: false, nameid: n == null ? null : String(n) });
        }
      });
    } catch (e) {
      const message = e && e.message !== undefined ? String(e.message) : null;
      finish({ accepted: false, message, error: (e && e.name) || null, threw: true, bare: typeof e === 'string' ? e : null, nameid: null });
    }
  });
}

async function main() {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let c;
    try {
      c = JSON.parse(line);
    } catch (e) {
      out.write(JSON.stringify({ id: null, harness_error: 'not JSON: ' + e.message }) + '\n');
      continue;
    }
    out.write(JSON.stringify(await judge(c)) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write('oracle.js: ' + (e && e.stack) + '\n');
  process.exit(2);
});
