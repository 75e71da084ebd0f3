#!/bin/sh
# Install (or --uninstall) C2T Wizard for the current user from the unpacked tarball: no root needed.
#   tar xzf c2t-wizard-*-linux-*.tar.gz && c2t-wizard/install.sh
# Copies the app to ~/.local/share/c2t-wizard, links ~/.local/bin/c2t-wizard, and adds the menu entry,
# the AppStream metadata and the icons.
set -eu
APP_ID=com.call2teams.C2TWizard
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
dest=$data/c2t-wizard
bin=$HOME/.local/bin

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$dest" "$bin/c2t-wizard" "$data/applications/$APP_ID.desktop" "$data/metainfo/$APP_ID.metainfo.xml"
    find "$data/icons/hicolor" -name "$APP_ID.*" -delete 2>/dev/null || true
    echo "C2T Wizard removed."
    exit 0
fi

if [ "$here" != "$dest" ]; then
    rm -rf "$dest"
    mkdir -p "$dest"
    cp -a "$here/." "$dest/"
fi
mkdir -p "$bin" "$data/applications" "$data/metainfo"
ln -sf "$dest/c2t-wizard" "$bin/c2t-wizard"
# The menu entry starts the installed copy by its full path (~/.local/bin is not on every launcher's PATH).
sed "s|^Exec=c2t-wizard|Exec=\"$dest/c2t-wizard\"|" "$dest/share/$APP_ID.desktop" > "$data/applications/$APP_ID.desktop"
cp "$dest/share/$APP_ID.metainfo.xml" "$data/metainfo/"
if [ -d "$dest/share/icons/hicolor" ]; then
    mkdir -p "$data/icons"
    cp -r "$dest/share/icons/hicolor" "$data/icons/"
fi
update-desktop-database "$data/applications" >/dev/null 2>&1 || true
echo "C2T Wizard installed: find it in your applications menu, or run $bin/c2t-wizard"
