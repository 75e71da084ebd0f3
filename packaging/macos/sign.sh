#!/usr/bin/env bash
# Sign the .app with a Developer ID certificate (hardened runtime), when one is provided.
#   MACOS_CERT=<base64 .p12> MACOS_CERT_PASSWORD=... MACOS_SIGN_IDENTITY="Developer ID Application: ..." \
#     bash packaging/macos/sign.sh "dist/C2T Wizard.app"
# Without MACOS_CERT it signs nothing and says so (PyInstaller's ad-hoc signature stays).
set -euo pipefail
app="$1"
if [ -z "${MACOS_CERT:-}" ]; then
    echo "sign.sh: no MACOS_CERT: $app keeps its ad-hoc signature"
    exit 0
fi
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
keychain="$work/signing.keychain-db"
trap 'security delete-keychain "$keychain" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
printf '%s' "$MACOS_CERT" | base64 --decode > "$work/cert.p12"
keychain_password="$(uuidgen)"
security create-keychain -p "$keychain_password" "$keychain"
security set-keychain-settings -lut 21600 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
security import "$work/cert.p12" -k "$keychain" -P "${MACOS_CERT_PASSWORD:-}" -T /usr/bin/codesign
security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$keychain_password" "$keychain" >/dev/null
security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
# Inside out: every library and plugin first, then the app (codesign --deep is deprecated for this).
find "$app/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) -print0 |
    xargs -0 codesign --force --timestamp --options runtime --keychain "$keychain" \
        --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY"
codesign --force --timestamp --options runtime --keychain "$keychain" \
    --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$app"
codesign --verify --strict --verbose=2 "$app"
