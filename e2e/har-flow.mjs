// Drive Debian's Chromium headless through an IdP-initiated login at the local SimpleSAMLphp IdP, once
// per scenario, and record a HAR of each. The final POST to auth.atlassian.com is answered by a local
// stub (route.fulfill) and awaited before the context closes, so the HAR holds the ACS POST body.
// Only the local IdP is reachable; everything else is aborted (and run.sh runs this in a network
// namespace that has only loopback).
// A name ending in `+sp` logs in SP-initiated instead: a crafted AuthnRequest (what Atlassian sends) over
// the Redirect binding, so the HAR holds the request and the response that answers it.
// Usage: node e2e/har-flow.mjs BASE OUTDIR name=spEntityId [name+sp=spEntityId ...]
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'node', 'package.json'));
const { chromium } = require('playwright-core');

const [base, outdir, ...pairs] = process.argv.slice(2);
const origin = new URL(base).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1'],
});
const summary = [];
try {
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    const name = pair.slice(0, i);
    const sp = pair.slice(i + 1);
    const har = path.join(outdir, `${name.replace('+sp', '-sp-initiated')}.har`);
    const context = await browser.newContext({ recordHar: { path: har, content: 'embed', mode: 'full' } });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + '/')) return route.continue();
      if (url.startsWith('https://auth.atlassian.com/')) {
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>ACS stub</body></html>' });
      }
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    const acs = page.waitForRequest((r) => r.url().startsWith('https://auth.atlassian.com/') && r.method() === 'POST',
      { timeout: 30000 });
    if (name.endsWith('+sp')) {
      const id = 'samlint-e2e-request-1';
      const acsUrl = sp.replace('/saml/', '/login/callback?connection=saml-');
      const req = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
        `ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" ` +
        `Destination="${base}/saml2/idp/SSOService.php" ` +
        `AssertionConsumerServiceURL="${acsUrl.replace(/&/g, '&amp;')}" ` +
        'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">' +
        `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${sp}</saml:Issuer>` +
        '<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" AllowCreate="true"/>' +
        '</samlp:AuthnRequest>';
      const encoded = zlib.deflateRawSync(Buffer.from(req)).toString('base64');
      await page.goto(`${base}/saml2/idp/SSOService.php?SAMLRequest=${encodeURIComponent(encoded)}`);
    } else {
      await page.goto(`${base}/saml2/idp/SSOService.php?spentityid=${encodeURIComponent(sp)}`);
    }
    await page.fill('#username', 'alice');
    await page.fill('#password', 'alice-e2e-password');
    await page.click('#submit_button', { noWaitAfter: true });
    const req = await acs;
    await page.waitForURL(/^https:\/\/auth\.atlassian\.com\//, { waitUntil: 'load', timeout: 30000 });
    await context.close(); // writes the HAR
    summary.push({ name, har, acs: req.url(), bytes: (req.postData() || '').length });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(summary));
