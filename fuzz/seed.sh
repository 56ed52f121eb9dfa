#!/bin/sh
# Seed the fuzz corpora from the fixtures and ../shared/corpus (copied at run time, never committed).
set -eu
cd "$(dirname "$0")"
for t in decode_input xml_model verify redaction config_yaml keycloak_json rule_pack; do mkdir -p corpus/$t; done
for f in ../fixtures/saml/* ../fixtures/har/* ../fixtures/tracer/* ../fixtures/hostile/*; do
  cp "$f" corpus/decode_input/ 2>/dev/null || true
  cp "$f" corpus/redaction/ 2>/dev/null || true
done
if [ -d ../../shared/corpus/files ]; then
  find ../../shared/corpus/files -type f \( -name '*.xml' -o -name '*.base64' -o -name '*.json' \) | while read -r f; do
    n=$(echo "${f#../../shared/corpus/files/}" | tr '/' '_')
    cp "$f" "corpus/decode_input/$n"
    case "$f" in *.xml) cp "$f" "corpus/xml_model/$n"; cp "$f" "corpus/verify/$n";; esac
  done
fi
cp ../fixtures/saml/*.xml corpus/xml_model/; cp ../fixtures/saml/*.xml corpus/verify/
cp ../fixtures/keycloak/*.json corpus/keycloak_json/
if [ -d ../../shared/corpus ]; then
  find ../../shared/corpus -type f -name '*.json' -path '*keycloak*' | while read -r f; do n=$(echo "${f#../../shared/corpus/}" | tr '/' '_'); cp "$f" "corpus/keycloak_json/$n"; done
fi
cp ../rules/*.yaml corpus/rule_pack/
printf 'format: json\nfail-on: warning\n' > corpus/config_yaml/ok.yaml
printf 'format: [1, {a: b}]\n' > corpus/config_yaml/bad.yaml
echo "seeded: $(ls corpus/decode_input | wc -l) decode_input, $(ls corpus/xml_model | wc -l) xml_model"
