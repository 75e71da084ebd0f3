#!/usr/bin/env bash
# Pack the .app into a compressed DMG with an Applications link (drag to install); signed when a
# Developer ID identity is provided.
#   bash packaging/macos/dmg.sh "dist/C2T Wizard.app" dist/c2t-wizard-0.1.0-macos-arm64.dmg
set -euo pipefail
app="$1"
dmg="$2"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname "C2T Wizard" -srcfolder "$stage" -fs HFS+ -format UDZO -imagekey zlib-level=9 "$dmg"
if [ -n "${MACOS_CERT:-}" ] && [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
fi
echo "dmg.sh: wrote $dmg"
