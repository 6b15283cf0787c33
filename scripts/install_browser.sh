#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (tests/test_browser.py). Idempotent; run as root
# (or as a user with passwordless sudo). The tests drive chromium through the `playwright` Python
# package with executable_path=/usr/bin/chromium, so `playwright install` (which downloads its own
# browsers) is never needed. Recommends are skipped (notification daemon, printing); the font packages
# keep screenshots readable (Latin text and the emoji the app uses as icons).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-liberation fonts-dejavu-core fonts-noto-color-emoji)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ] && [ -x "$CHROMIUM" ]; then
    echo "install_browser: already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")" \
        "and ${PACKAGES[*]:1}"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install_browser: missing ${missing[*]}; run this script as root (it uses apt-get)." >&2
        exit 1
    fi
fi

echo "install_browser: missing ${missing[*]}: running ${SUDO:+$SUDO }apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
echo "install_browser: running ${SUDO:+$SUDO }apt-get install -y --no-install-recommends ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
echo "install_browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
