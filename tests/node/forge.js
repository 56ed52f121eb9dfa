#!/usr/bin/env node
// The certificate reader of Auth0's SP library (saml.js extractAndValidateCertExpiration:
// forge.pki.certificateFromPem over utils.certToPEM), for tests/oracle.rs's differential check of
// samlint's allow-list (src/predict/forge.rs).
// In:  a JSON array of base64 DER certificates on stdin.
// Out: a JSON array, one entry each: null when forge reads it, else forge's error message.
'use strict';
const forge = require('node-forge');
const utils = require('passport-wsfed-saml2/lib/passport-wsfed-saml2/utils');
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map((b64) => {
    try {
      forge.pki.certificateFromPem(utils.certToPEM(b64));
      return null;
    } catch (e) {
      return String((e && e.message) || e);
    }
  });
  process.stdout.write(JSON.stringify(out));
});
