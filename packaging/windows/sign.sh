#!/usr/bin/env bash
# Authenticode-sign Windows executables with signtool, when a certificate is provided.
#   SIGN_CERT=<base64 of a .pfx> SIGN_CERT_PASSWORD=... bash packaging/windows/sign.sh FILE...
# Without SIGN_CERT it signs nothing and says so (a local or fork build stays unsigned).
set -euo pipefail
if [ -z "${SIGN_CERT:-}" ]; then
    echo "sign.sh: no SIGN_CERT: left unsigned: $*"
    exit 0
fi
pfx="$(mktemp -d)/cert.pfx"
trap 'rm -f "$pfx"' EXIT
printf '%s' "$SIGN_CERT" | base64 -d > "$pfx"
signtool="${SIGNTOOL:-signtool.exe}"
for file in "$@"; do
    "$signtool" sign //fd SHA256 //td SHA256 //tr "${SIGN_TIMESTAMP_URL:-http://timestamp.digicert.com}" \
        //f "$pfx" //p "${SIGN_CERT_PASSWORD:-}" "$file"
    "$signtool" verify //pa "$file"
done
