#!/usr/bin/env bash
# The command of the samlint GitHub Action (action.yml): `samlint check` over INPUT_PATHS, as workflow
# annotations (format github) or as a SARIF file for upload-sarif (format sarif). Inputs arrive as
# environment variables, never pasted into the script, so no input value can become shell code.
# Exits with samlint's exit code (0 clean, 1 findings at or above fail-on, 2 could not lint) and sets
# the step outputs `exit-code` and `sarif-file`. tests/ci.rs runs it and lints it with shellcheck.
set -euo pipefail

out="${GITHUB_OUTPUT:-/dev/null}"
read -r -d '' -a paths < <(printf '%s\0' "${INPUT_PATHS:-.}" | tr '\n' ' ') || true
if [ "${#paths[@]}" -eq 0 ]; then paths=(.); fi

args=(check)
# A flag wins over samlint.yaml: given only when the workflow sets it (review 35: the config's
# `fail-on: warning` was overridden by the input's default, and the step passed).
if [ -n "${INPUT_FAIL_ON:-}" ]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
read -r -d '' -a packs < <(printf '%s\0' "${INPUT_PACKS:-}" | tr ',\n' '  ') || true
for p in "${packs[@]}"; do args+=(--pack "$p"); done
if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi

format="${INPUT_FORMAT:-github}"
case "$format" in
  github) args+=(--format github) ;;
  sarif)
    sarif="${INPUT_SARIF_FILE:-samlint.sarif}"
    args+=(--format sarif -o "$sarif")
    echo "sarif-file=$sarif" >> "$out"
    ;;
  *)
    echo "::error title=samlint action::format must be github or sarif, not '${format//[$'\r\n%']/ }'"
    echo "exit-code=2" >> "$out"
    exit 2
    ;;
esac

read -r -d '' -a extra < <(printf '%s\0' "${INPUT_ARGS:-}") || true

set +e
samlint "${args[@]}" "${extra[@]}" -- "${paths[@]}"
code=$?
set -e
echo "exit-code=$code" >> "$out"
if [ "$format" = sarif ] && [ "$code" -ne 2 ]; then
  echo "samlint: SARIF written to $sarif (exit $code)"
fi
exit "$code"
