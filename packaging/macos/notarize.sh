#!/usr/bin/env bash
# Notarise the DMG with Apple (notarytool) and staple the ticket, when credentials are provided.
#   APPLE_ID=... APPLE_TEAM_ID=... APPLE_APP_PASSWORD=<app-specific password> \
#     bash packaging/macos/notarize.sh dist/c2t-wizard-0.1.0-macos-arm64.dmg
# Without them it notarises nothing and says so.
set -euo pipefail
dmg="$1"
if [ -z "${APPLE_ID:-}" ] || [ -z "${APPLE_TEAM_ID:-}" ] || [ -z "${APPLE_APP_PASSWORD:-}" ]; then
    echo "notarize.sh: no APPLE_ID / APPLE_TEAM_ID / APPLE_APP_PASSWORD: $dmg not notarised"
    exit 0
fi
xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait --timeout 30m
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose "$dmg"
