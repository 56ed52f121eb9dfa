// Configure a running Keycloak through its admin REST API, export every SAML client the ways users do,
// and log in through each one with Debian's Chromium (playwright-core), recording a HAR per login.
// e2e/keycloak.sh starts and stops the server and calls this; it runs in a network namespace that has
// only loopback, and only 127.0.0.1 is reachable from the browser: a SAML message bound for an SP (the
// final POST to auth.atlassian.com) is answered by a local stub, everything else is aborted.
//
// Usage: node e2e/keycloak-flow.mjs BASE OUT [CLIENT.json ...]
//   BASE   http://127.0.0.1:PORT (Keycloak, admin user from KC_ADMIN / KC_ADMIN_PASSWORD)
//   OUT    output folder: OUT/<clientId-slug>/{export.json,login.har,login-sp.har}, OUT/flow.json
// Env: SAMLINT (a samlint binary: the built-in scenarios' exports go through `samlint fix`, and each
// changed one is imported into the realm REALM-fixed and logged in through; see FIX below),
// REALM (acme), BUILTIN (1: also import e2e/keycloak/clients/*.json), REUSE=1 (the realm and the
// clients already exist: log in and export again against a Keycloak kept running by
// `KEEP=1 sh e2e/keycloak.sh`, e.g. KC_ADMIN_PASSWORD=samlint-e2e-admin REUSE=1 node
// e2e/keycloak-flow.mjs http://127.0.0.1:8180 /tmp/kc2 [the same CLIENT.json ...]).
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'node', 'package.json'));
const { chromium } = require('playwright-core');

const [base, out, ...userFiles] = process.argv.slice(2);
if (!base || !out) {
  console.error('usage: node e2e/keycloak-flow.mjs BASE OUT [CLIENT.json ...]');
  process.exit(2);
}
const realm = process.env.REALM || 'acme';
const admin = process.env.KC_ADMIN || 'admin';
const adminPassword = process.env.KC_ADMIN_PASSWORD || 'samlint-e2e-admin';
const builtin = (process.env.BUILTIN || '1') !== '0';
const kcDir = path.join(here, 'keycloak');
const users = JSON.parse(fs.readFileSync(path.join(kcDir, 'users.json'), 'utf8'));
const password = Object.fromEntries(users.map((u) => [u.username, u.credentials[0].value]));
const log = (...a) => console.error('keycloak-flow:', ...a);
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);

// ---- admin REST API ---------------------------------------------------------------------------
let token = null;
let tokenAt = 0;
async function getToken() {
  // The master realm's access tokens live 60 s: take a fresh one every 30 s.
  if (token && Date.now() - tokenAt < 30000) return token;
  const r = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: admin, password: adminPassword }),
  });
  if (!r.ok) throw new Error(`admin token: HTTP ${r.status} ${await r.text()}`);
  token = (await r.json()).access_token;
  tokenAt = Date.now();
  return token;
}
async function api(method, p, body) {
  const r = await fetch(`${base}/admin/realms${p}`, {
    method,
    headers: { authorization: `Bearer ${await getToken()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    // A Buffer is sent as it is (a file imported byte for byte); anything else as JSON.
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) {
    const e = new Error(`${method} /admin/realms${p}: HTTP ${r.status} ${text.slice(0, 500)}`);
    e.status = r.status;
    throw e;
  }
  return { status: r.status, text, json: text ? JSON.parse(text) : null, location: r.headers.get('location') };
}

// A folder name for a client ID: lower case, scheme dropped, runs of other characters as one `-`.
function slugOf(clientId, taken) {
  let s = clientId.toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '').slice(0, 100) || 'client';
  const b = s;
  for (let i = 2; taken.has(s); i++) s = `${b}-${i}`;
  taken.add(s);
  return s;
}

// What the admin console's Clients › Export writes: the client without its `id` and its mappers' ids,
// pretty-printed with two spaces (js/apps/admin-ui/src/util.ts, exportClient).
function consoleExport(client) {
  const c = structuredClone(client);
  delete c.id;
  for (const m of c.protocolMappers || []) delete m.id;
  return JSON.stringify(c, null, 2);
}

// ---- realm, users, clients ----------------------------------------------------------------------
const summary = { realm, base, started: new Date().toISOString(), clients: [], steps: [] };
const step = (what) => { summary.steps.push({ what, at_s: Number(secs()) }); log(`${secs()} s ${what}`); };

// REUSE=1 (exploring a server kept running with KEEP=1): the realm and clients already exist.
const reuse = process.env.REUSE === '1';
// The realm of realm.json under the name `name`, its user profile and its users.
async function setUpRealm(name, create) {
  if (create) {
    const rep = JSON.parse(fs.readFileSync(path.join(kcDir, 'realm.json'), 'utf8'));
    rep.realm = name;
    await api('POST', '', rep);
  }
  // Keycloak 24+ drops user attributes its user profile does not declare; the stable id (employeeNumber)
  // is one, so let the realm keep unmanaged attributes (Realm settings › General › Unmanaged attributes).
  // The user without an email address needs email to be optional, as in realms whose users come from a
  // directory without mail (else Keycloak stops the login at "Update Account Information").
  const profile = (await api('GET', `/${name}/users/profile`)).json;
  profile.unmanagedAttributePolicy = 'ENABLED';
  for (const a of profile.attributes || []) if (a.name === 'email') delete a.required;
  await api('PUT', `/${name}/users/profile`, profile);
  if (create) for (const u of users) await api('POST', `/${name}/users`, u);
}
await setUpRealm(realm, !reuse);
step('realm, user profile and users created');

const files = [];
for (const f of userFiles) files.push({ file: path.resolve(f), source: 'command line' });
if (builtin) {
  for (const f of fs.readdirSync(path.join(kcDir, 'clients')).filter((n) => n.endsWith('.json')).sort()) {
    files.push({ file: path.join(kcDir, 'clients', f), source: 'built-in' });
  }
}
// Which logins each built-in scenario needs (a client given on the command line gets an IdP-initiated
// login when it has an IdP-initiated SSO URL name, and an SP-initiated one): `idp`, `sp`, and `idp:bob`
// (the user without an email address).
const PLAN = {
  '01-ok.json': ['idp', 'sp', 'idp:bob'],
  '03-nameid-not-forced.json': ['idp', 'sp'],
  '05-client-signature.json': ['idp', 'sp'],
  '06-redirect-no-query.json': ['idp', 'sp'],
  '12-client-id-typo.json': ['idp', 'sp'],
  '14-redirect-query-wildcard.json': ['idp', 'sp'],
  '15-redirect-slash-wildcard.json': ['idp', 'sp'],
  '16-bearer-only.json': ['sp'],
  '17-standard-flow-off.json': ['sp'],
  '18-client-disabled.json': ['sp'],
};
// A built-in scenario changed after its export, before its logins (someone edits the client in the
// console and lints an old export): its export.json is correct, its logins are not what it says.
const CHANGE_AFTER_EXPORT = {
  '13-stale-export.json': { 'saml.assertion.signature': 'false', saml_name_id_format: 'username' },
};
// `samlint fix` on the console export of each built-in scenario (only when SAMLINT names a samlint
// binary: tests/keycloak.rs passes its own). A scenario whose export changes is imported as samlint wrote
// it into a second realm with the same set-up (REALM-fixed: its client IDs are taken in REALM) and logged
// in through once, where its pitfall showed: SP-initiated for these, IdP-initiated otherwise. `flags`:
// more arguments of `samlint fix` (the Data Center pitfalls are found by that pack).
const FIX = {
  '03-nameid-not-forced.json': { login: 'sp' },
  '04-assertion-unsigned.json': { flags: ['--pack', 'atlassian-datacenter'] },
  '05-client-signature.json': { login: 'sp' },
  '06-redirect-no-query.json': { login: 'sp' },
  '14-redirect-query-wildcard.json': { login: 'sp' },
  '16-bearer-only.json': { login: 'sp' },
  '17-standard-flow-off.json': { login: 'sp' },
  '08-group-full-path.json': { flags: ['--pack', 'atlassian-datacenter'] },
};
const taken = new Set();
const clients = [];
for (const { file, source } of files) {
  const entry = { file, source };
  summary.clients.push(entry);
  let rep;
  try {
    rep = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    entry.error = `not a JSON file: ${e.message}`;
    continue;
  }
  if (!rep || typeof rep !== 'object' || Array.isArray(rep) || typeof rep.clientId !== 'string') {
    entry.error = 'not one Keycloak client (a JSON object with clientId)';
    continue;
  }
  entry.clientId = rep.clientId;
  entry.name = rep.name ?? null;
  if (clients.some((c) => c.rep.clientId === rep.clientId)) {
    entry.error = 'another file already imported this client ID';
    continue;
  }
  // Ids belong to the realm the file came from; Keycloak assigns new ones (as Clients › Import does).
  delete rep.id;
  for (const m of rep.protocolMappers || []) delete m.id;
  try {
    if (reuse) {
      entry.id = (await api('GET', `/${realm}/clients?clientId=${encodeURIComponent(rep.clientId)}`)).json[0].id;
      entry.slug = slugOf(rep.clientId, taken);
      clients.push({ entry, rep });
      continue;
    }
    const r = await api('POST', `/${realm}/clients`, rep);
    entry.id = r.location.split('/').pop();
  } catch (e) {
    entry.error = `Keycloak refused the client: ${e.message}`;
    continue;
  }
  // Turning "Encrypt assertions" on in the console makes you generate (or import) the key it encrypts
  // to; an imported client that asks for encryption without a certificate gets a generated one.
  const attrs = rep.attributes || {};
  if (attrs['saml.encrypt'] === 'true' && !attrs['saml.encryption.certificate']) {
    await api('POST', `/${realm}/clients/${entry.id}/certificates/saml.encryption/generate`);
    entry.generated = ['saml.encryption certificate'];
  }
  entry.slug = slugOf(rep.clientId, taken);
  clients.push({ entry, rep });
}
step(`${clients.length} clients imported`);

// ---- imports Keycloak must refuse ------------------------------------------------------------
// e2e/keycloak/refused/*.json: a client (as Clients › Import client posts it) or a realm (as Create
// realm from a file does) that samlint says Keycloak refuses to import (KC032, KC033). Each is posted
// as it is and Keycloak's answer recorded; whatever it created anyway is deleted again.
summary.refused = [];
// The same file with each repeated client, client scope and mapper left out (the first kept): the control
// that shows the repeat, and nothing else in the file, is what Keycloak refused.
const firsts = (list, key) => {
  const seen = new Set();
  return (list || []).filter((x) => { const k = key(x); if (seen.has(k)) return false; seen.add(k); return true; });
};
function withoutRepeats(rep) {
  const r = structuredClone(rep);
  const mappers = (o) => { if (o.protocolMappers) o.protocolMappers = firsts(o.protocolMappers, (m) => `${m.protocol} ${m.name}`); };
  mappers(r);
  if (r.clients) { r.clients = firsts(r.clients, (c) => c.clientId); r.clients.forEach(mappers); }
  if (r.clientScopes) { r.clientScopes = firsts(r.clientScopes, (c) => c.name); r.clientScopes.forEach(mappers); }
  return r;
}
// The control of a file whose fault is a member's JSON type (KC034, KC035): the member as Keycloak
// exports it.
const CONTROL = {
  'client-mappers-object.json': (r) => ({ ...r, protocolMappers: [r.protocolMappers] }),
  'client-enabled-yes.json': (r) => ({ ...r, enabled: true }),
  'client-attribute-object.json': (r) => ({ ...r, attributes: { ...r.attributes, 'saml.signature.algorithm': 'RSA_SHA256' } }),
  'client-redirect-string.json': (r) => ({ ...r, redirectUris: [r.redirectUris] }),
  'realm-clients-object.json': (r) => ({ ...r, clients: [r.clients] }),
  'realm-oidc-client-type.json': (r) => ({ ...r, clients: r.clients.map((c) => ({ ...c, enabled: true })) }),
};
async function post(kind, rep, entry, prefix) {
  try {
    if (kind === 'realm') {
      entry[`${prefix}status`] = (await api('POST', '', rep)).status;
      await api('DELETE', `/${encodeURIComponent(rep.realm)}`).catch(() => {});
    } else {
      const r = await api('POST', `/${realm}/clients`, rep);
      entry[`${prefix}status`] = r.status;
      if (r.location) await api('DELETE', `/${realm}/clients/${r.location.split('/').pop()}`).catch(() => {});
    }
  } catch (e) {
    entry[`${prefix}status`] = e.status ?? null;
    entry[`${prefix}error`] = e.message;
  }
}
if (builtin && !reuse) {
  const dir = path.join(kcDir, 'refused');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const rep = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const entry = { file: path.join(dir, f), kind: typeof rep.realm === 'string' ? 'realm' : 'client' };
    summary.refused.push(entry);
    await post(entry.kind, rep, entry, '');
    await post(entry.kind, (CONTROL[f] || withoutRepeats)(rep), entry, 'control_');
  }
  step(`${summary.refused.length} imports Keycloak must refuse posted`);
}

// ---- exports ---------------------------------------------------------------------------------
fs.writeFileSync(path.join(out, 'idp-metadata.xml'),
  await (await fetch(`${base}/realms/${realm}/protocol/saml/descriptor`)).text());
const partial = (await api('POST', `/${realm}/partial-export?exportClients=true&exportGroupsAndRoles=true`)).json;
fs.writeFileSync(path.join(out, 'realm-partial-export.json'), JSON.stringify(partial, null, 2));
for (const c of clients) {
  const dir = path.join(out, c.entry.slug);
  fs.mkdirSync(dir, { recursive: true });
  const got = (await api('GET', `/${realm}/clients/${c.entry.id}`)).json;
  c.live = got;
  fs.writeFileSync(path.join(dir, 'export.json'), consoleExport(got));
  c.entry.export = path.join(dir, 'export.json');
}
step('client exports, partial realm export and SAML descriptor written');
for (const c of clients) {
  const change = c.entry.source === 'built-in' && CHANGE_AFTER_EXPORT[path.basename(c.entry.file)];
  if (!change) continue;
  const now = structuredClone(c.live);
  Object.assign(now.attributes, change);
  await api('PUT', `/${realm}/clients/${c.entry.id}`, now);
  c.live = (await api('GET', `/${realm}/clients/${c.entry.id}`)).json;
  c.entry.changed_after_export = change;
}

// The `secret` Keycloak generates for every SAML client: can it be used? Keycloak's OIDC token
// endpoint refuses clients of another protocol ("Wrong client protocol"); samlint's KC008 relies on it.
if (clients.length) {
  const c = clients[0].live;
  const r = await fetch(`${base}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.secret || '' }),
  });
  const body = await r.json().catch(() => ({}));
  summary.saml_client_secret = { clientId: c.clientId, has_secret: typeof c.secret === 'string',
    token_status: r.status, error_description: body.error_description ?? null, got_token: 'access_token' in body };
}

// ---- logins ---------------------------------------------------------------------------------
const origin = new URL(base).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1'],
});

// A request that carries a SAML message to somewhere other than Keycloak: the SP's ACS.
const toSp = (r) => !r.url().startsWith(origin + '/') &&
  (/[?&]SAMLResponse=/.test(r.url()) || (r.method() === 'POST' && /(^|&)SAMLResponse=/.test(r.postData() || '')));

// What Atlassian sends: an unsigned AuthnRequest over the Redirect binding, Issuer = its SP entity ID
// https://auth.atlassian.com/saml/<id>, ACS = https://auth.atlassian.com/login/callback?connection=
// saml-<id> (samlint's own fixture fixtures/saml/authn-request-redirect.url has the same shape). The
// <id> is read from the client ID, so a client ID with a typo around it (a trailing slash) meets the
// request Atlassian really sends. Other clients get their own client ID and ACS.
function authnRequest(client, n, inRealm = realm) {
  const m = /^https:\/\/auth\.atlassian\.com\/saml\/([A-Za-z0-9-]+)/.exec(client.clientId);
  const issuer = m ? `https://auth.atlassian.com/saml/${m[1]}` : client.clientId;
  const acs = m ? `https://auth.atlassian.com/login/callback?connection=saml-${m[1]}`
    : (client.attributes || {}).saml_assertion_consumer_url_post || (client.redirectUris || [])[0];
  const id = `_samlint-e2e-${n}-${Date.now().toString(16)}`;
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const xml = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
    (acs ? `AssertionConsumerServiceURL="${esc(acs)}" ` : '') +
    `Destination="${base}/realms/${inRealm}/protocol/saml" ID="${id}" ` +
    `IssueInstant="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" ` +
    'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Version="2.0">' +
    `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${esc(issuer)}</saml:Issuer>` +
    '<samlp:NameIDPolicy AllowCreate="true" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"/>' +
    '</samlp:AuthnRequest>';
  const q = encodeURIComponent(zlib.deflateRawSync(Buffer.from(xml)).toString('base64'));
  return { id, issuer, acs, url: `${base}/realms/${inRealm}/protocol/saml?SAMLRequest=${q}` };
}

// One login in a fresh browser context. Outcome: `response` (a SAML message reached the SP stub),
// `error-page` (Keycloak showed an error; its text is kept), or `stuck` (anything else, with the page
// title).
async function login(startUrl, user, harPath) {
  const context = await browser.newContext({ recordHar: { path: harPath, content: 'embed', mode: 'full' } });
  await context.route('**/*', (route) => {
    const r = route.request();
    if (r.url().startsWith(origin + '/')) return route.continue();
    if (toSp(r)) {
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>SP stub</body></html>' });
    }
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const result = { user, har: harPath };
  let spReq = null;
  page.on('request', (r) => { if (!spReq && toSp(r)) spReq = r; });
  // page.$ and evaluate throw while a navigation replaces the document: treat that as "not yet".
  const probe = async (fn) => { try { return await fn(); } catch { return null; } };
  const settle = async () => {
    // Wait until a SAML message leaves for the SP, or the page rests on something that is not a
    // transitional Keycloak page (the login form, an error page).
    for (let i = 0; i < 1200 && !spReq; i++) {
      await page.waitForTimeout(100);
      if (spReq) break;
      if (await probe(() => page.$('#username'))) return 'form';
      const shown = await probe(() => page.evaluate(() => document.readyState === 'complete' &&
        !!document.querySelector('#kc-error-message, .kc-feedback-text, #kc-page-title')));
      if (shown) {
        await page.waitForTimeout(300);
        if (!spReq) return 'page';
      }
    }
    return spReq ? 'sp' : 'timeout';
  };
  try {
    await page.goto(startUrl, { waitUntil: 'domcontentloaded', timeout: 60000 });
    let state = await settle();
    if (state === 'form') {
      await page.fill('#username', user);
      await page.fill('#password', password[user]);
      await page.click('#kc-login', { noWaitAfter: true });
      await page.waitForTimeout(200);
      state = await settle();
      if (state === 'form') state = 'page'; // the form again: a failed login
    }
    if (spReq) {
      await page.waitForURL((u) => !u.href.startsWith(origin + '/'), { waitUntil: 'load', timeout: 60000 });
      result.outcome = 'response';
      result.acs = spReq.url();
      result.method = spReq.method();
    } else {
      const text = await probe(() => page.evaluate(() => {
        const e = document.querySelector('#kc-error-message') || document.querySelector('.kc-feedback-text') ||
          document.querySelector('#kc-page-title');
        return (e ? e.innerText : document.title || '').trim().replace(/\s+/g, ' ');
      })) || '';
      result.outcome = state === 'timeout' ? 'stuck' : 'error-page';
      result.page = text.slice(0, 200);
      result.url = page.url().split('?')[0];
    }
  } catch (e) {
    result.outcome = 'failed';
    result.error = String(e.message || e).split('\n')[0];
  }
  await context.close(); // writes the HAR
  return result;
}

try {
  let n = 0;
  for (const c of clients) {
    const dir = path.join(out, c.entry.slug);
    const live = c.live;
    const urlName = (live.attributes || {}).saml_idp_initiated_sso_url_name;
    const plan = c.entry.source === 'built-in' ? (PLAN[path.basename(c.entry.file)] || ['idp']) : ['idp', 'sp'];
    c.entry.logins = [];
    for (const what of plan) {
      const [mode, user = 'alice'] = what.split(':');
      if (mode === 'idp' && urlName) {
        const har = user === 'alice' ? 'login.har' : 'login-no-email.har';
        const r = await login(`${base}/realms/${realm}/protocol/saml/clients/${encodeURIComponent(urlName)}`,
          user, path.join(dir, har));
        c.entry.logins.push({ mode: 'idp-initiated', ...r });
      } else if (mode === 'sp') {
        const req = authnRequest(live, ++n);
        const r = await login(req.url, user, path.join(dir, urlName ? 'login-sp.har' : 'login.har'));
        c.entry.logins.push({ mode: 'sp-initiated', request_id: req.id, request_issuer: req.issuer, request_acs: req.acs, ...r });
      }
    }
    for (const l of c.entry.logins) {
      log(`${secs()} s ${c.entry.slug}: ${l.mode} as ${l.user}: ${l.outcome}${l.page ? ` ("${l.page}")` : ''}`);
    }
  }
  step('logins done');

  // ---- samlint fix, imported and logged in through in the same Keycloak ---------------------------
  const samlint = process.env.SAMLINT;
  if (samlint && !reuse) {
    const fixedRealm = `${realm}-fixed`;
    let made = false;
    let fixedCount = 0;
    for (const c of clients) {
      if (c.entry.source !== 'built-in' || !c.entry.export) continue;
      const how = FIX[path.basename(c.entry.file)] || {};
      const dir = path.join(out, c.entry.slug);
      const fixedFile = path.join(dir, 'fixed.json');
      fs.rmSync(fixedFile, { force: true });
      const flags = ['--isolated', ...(how.flags || [])];
      const r = spawnSync(samlint, ['fix', c.entry.export, '-o', fixedFile, ...flags],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const fix = { flags, exit: r.status, report: String(r.stderr || r.error || '').slice(0, 8000) };
      c.entry.fix = fix;
      // 0: nothing left; 1: findings left by hand; anything else is samlint failing, never "unchanged".
      if (r.status !== 0 && r.status !== 1) {
        fix.error = `samlint fix exited ${r.status}`; // tests/keycloak.rs fails on it
        continue;
      }
      // With -o an export that needed nothing is written as it is: unchanged bytes are no fix.
      fix.changed = fs.existsSync(fixedFile) && !fs.readFileSync(fixedFile).equals(fs.readFileSync(c.entry.export));
      if (!fix.changed) {
        fs.rmSync(fixedFile, { force: true });
        continue;
      }
      fix.file = fixedFile;
      if (!made) {
        await setUpRealm(fixedRealm, true);
        fs.writeFileSync(path.join(out, 'fixed-idp-metadata.xml'),
          await (await fetch(`${base}/realms/${fixedRealm}/protocol/saml/descriptor`)).text());
        summary.fixed_realm = { realm: fixedRealm, idp_metadata: path.join(out, 'fixed-idp-metadata.xml') };
        made = true;
      }
      // The file's bytes, as samlint wrote them (Clients › Import client with the fixed export).
      try {
        const imp = await api('POST', `/${fixedRealm}/clients`, fs.readFileSync(fixedFile));
        fix.import_status = imp.status;
        fix.id = imp.location.split('/').pop();
      } catch (e) {
        fix.import_status = e.status ?? null;
        fix.error = `Keycloak refused the fixed client: ${e.message}`;
        continue;
      }
      // What Keycloak made of it, exported again the console's way.
      const live = (await api('GET', `/${fixedRealm}/clients/${fix.id}`)).json;
      fix.reexport = path.join(dir, 'fixed-reexport.json');
      fs.writeFileSync(fix.reexport, consoleExport(live));
      const urlName = (live.attributes || {}).saml_idp_initiated_sso_url_name;
      const har = path.join(dir, 'fixed-login.har');
      let l;
      if ((how.login || 'idp') === 'idp' && urlName) {
        l = { mode: 'idp-initiated', ...await login(`${base}/realms/${fixedRealm}/protocol/saml/clients/${encodeURIComponent(urlName)}`, 'alice', har) };
      } else {
        const req = authnRequest(live, ++n, fixedRealm);
        l = { mode: 'sp-initiated', request_id: req.id, request_issuer: req.issuer, request_acs: req.acs,
          ...await login(req.url, 'alice', har) };
      }
      fix.login = l;
      fixedCount++;
      log(`${secs()} s ${c.entry.slug} fixed by samlint (exit ${r.status}): import HTTP ${fix.import_status}, ${l.mode} as alice: ${l.outcome}${l.page ? ` ("${l.page}")` : ''}`);
    }
    step(`samlint fix: ${fixedCount} fixed clients imported into ${fixedRealm} and logged in through`);
  }
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(out, 'flow.json'), JSON.stringify(summary, null, 2));
