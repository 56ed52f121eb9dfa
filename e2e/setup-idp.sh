#!/bin/sh
# Write a complete SimpleSAMLphp IdP configuration into DIR (never /etc): config, test users, a signing
# key, and one SP entry per scenario, each looking exactly like Atlassian Cloud (entity ID
# https://auth.atlassian.com/saml/<uuid>, ACS .../login/callback?connection=saml-<uuid>).
# Serve it with: SIMPLESAMLPHP_CONFIG_DIR=DIR/config php -S 127.0.0.1:PORT -t DIR/docroot
# Usage: sh e2e/setup-idp.sh DIR
set -eu
D=$(mkdir -p "$1" && cd "$1" && pwd)
SSP=/usr/share/simplesamlphp
[ -d "$SSP/www" ] || { echo "setup-idp: $SSP/www missing (apt-get install simplesamlphp)" >&2; exit 2; }
mkdir -p "$D/config" "$D/metadata" "$D/cert" "$D/log" "$D/data" "$D/tmp" "$D/docroot"
ln -sfn "$SSP/www" "$D/docroot/simplesaml"
# The IdP's signing key, and a second certificate that is NOT the IdP's (the "wrong certificate pasted
# into Atlassian" scenario).
for n in idp other; do
  [ -f "$D/cert/$n.crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "/CN=$n.example.test" -keyout "$D/cert/$n.key" -out "$D/cert/$n.crt" 2>/dev/null
done
cat > "$D/config/config.php" <<PHP
<?php
\$base = '$D';
\$config = [
  'baseurlpath' => 'simplesaml/',
  'certdir' => "\$base/cert/", 'loggingdir' => "\$base/log/", 'datadir' => "\$base/data/",
  'tempdir' => "\$base/tmp/", 'metadatadir' => "\$base/metadata/",
  'secretsalt' => 'samlint-e2e-test-only-salt', 'auth.adminpassword' => 'samlint-e2e-admin',
  'technicalcontact_email' => 'test@example.org', 'timezone' => 'UTC',
  'logging.handler' => 'file', 'logging.logfile' => 'simplesamlphp.log',
  'logging.level' => SimpleSAML\Logger::INFO,
  'enable.saml20-idp' => true,
  'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true, 'admin' => true],
  'session.cookie.secure' => false, 'session.cookie.samesite' => null,
  'session.phpsession.savepath' => "\$base/tmp", 'language.cookie.secure' => false,
  'store.type' => 'phpsession',
];
PHP
# Test users only. alice has everything; groups are plain names (a scenario adds the leading slash).
cat > "$D/config/authsources.php" <<'PHP'
<?php
$config = [
  'admin' => ['core:AdminPassword'],
  'example-userpass' => ['exampleauth:UserPass',
    'alice:alice-e2e-password' => [
      'uid' => ['alice'], 'email' => ['alice.anderson@example.com'], 'givenName' => ['Alice'],
      'sn' => ['Anderson'], 'employeeNumber' => ['E-4711'], 'groups' => ['jira-users', 'confluence-users'],
    ],
  ],
];
PHP
cat > "$D/metadata/saml20-idp-hosted.php" <<'PHP'
<?php
$metadata['https://idp.example.test/simplesaml/saml2/idp/metadata.php'] = [
  'host' => '__DEFAULT__', 'privatekey' => 'idp.key', 'certificate' => 'idp.crt',
  'auth' => 'example-userpass',
  'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
];
PHP
# One SP entry per scenario: the id is the scenario's connection id.
cat > "$D/metadata/saml20-sp-remote.php" <<'PHP'
<?php
$C = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/';
// What Atlassian Cloud reads (requirements.md §1.5): the NameID is the email; givenname, surname, and a
// stable id in `name`.
$map = ['class' => 'core:AttributeMap', 'email' => $C.'emailaddress', 'givenName' => $C.'givenname',
        'sn' => $C.'surname', 'employeeNumber' => $C.'name'];
$sp = function ($id, $extra) use ($C, $map) {
  return array_replace([
    'AssertionConsumerService' => "https://auth.atlassian.com/login/callback?connection=saml-$id",
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    'simplesaml.nameidattribute' => $C.'emailaddress',
    'saml20.sign.assertion' => true, 'saml20.sign.response' => true,
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    'authproc' => [50 => $map, 60 => ['class' => 'core:AttributeLimit',
        $C.'emailaddress', $C.'givenname', $C.'surname', $C.'name']],
  ], $extra);
};
$ids = [
  'ok'              => '11111111-0000-4000-8000-000000000001',
  'nameid-transient'=> '11111111-0000-4000-8000-000000000002',
  'nameid-username' => '11111111-0000-4000-8000-000000000003',
  'missing-names'   => '11111111-0000-4000-8000-000000000004',
  'name-is-email'   => '11111111-0000-4000-8000-000000000005',
  'unsigned'        => '11111111-0000-4000-8000-000000000006',
  'sha1'            => '11111111-0000-4000-8000-000000000007',
  'group-slash'     => '11111111-0000-4000-8000-000000000008',
];
$v = [
  'ok' => [],
  // NameID transient instead of the email.
  'nameid-transient' => ['NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
                         'simplesaml.nameidattribute' => null],
  // NameID = the username (Keycloak's default).
  'nameid-username' => ['NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
                        'simplesaml.nameidattribute' => 'uid',
                        'authproc' => [50 => $map, 60 => ['class' => 'core:AttributeLimit', 'uid',
                          $C.'emailaddress', $C.'givenname', $C.'surname', $C.'name']]],
  // No givenname / surname.
  'missing-names' => ['authproc' => [50 => $map, 60 => ['class' => 'core:AttributeLimit',
                        $C.'emailaddress', $C.'name']]],
  // `name` (the stable id) carries the email.
  'name-is-email' => ['authproc' => [50 => $map,
                        55 => ['class' => 'core:PHP', 'code' => '$attributes["'.$C.'name"] = $attributes["'.$C.'emailaddress"];'],
                        60 => ['class' => 'core:AttributeLimit', $C.'emailaddress', $C.'givenname', $C.'surname', $C.'name']]],
  // Neither the Response nor the Assertion signed.
  'unsigned' => ['saml20.sign.assertion' => false, 'saml20.sign.response' => false],
  // RSA-SHA1.
  'sha1' => ['signature.algorithm' => 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'],
  // Groups as Keycloak full paths, for Data Center.
  'group-slash' => ['authproc' => [50 => $map,
                        55 => ['class' => 'core:PHP', 'code' => '$attributes["member"] = array_map(function ($g) { return "/".$g; }, $attributes["groups"]);'],
                        60 => ['class' => 'core:AttributeLimit', $C.'emailaddress', $C.'givenname', $C.'surname', $C.'name', 'member']]],
];
foreach ($v as $name => $extra) {
  $id = $ids[$name];
  $metadata["https://auth.atlassian.com/saml/$id"] = $sp($id, $extra);
}
PHP
echo "$D"
