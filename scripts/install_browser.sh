#!/usr/bin/env bash
# Install Debian's chromium for the real-browser tests (tests/test_browser.py). Idempotent; run as root.
# The tests drive it through the `playwright` Python package with executable_path=/usr/bin/chromium,
# so `playwright install` (which downloads its own browsers) is never needed. Recommends are skipped
# (notification daemon, printing); the two font packages keep screenshots readable.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install_browser: $CHROMIUM is already installed: $("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "install_browser: $CHROMIUM is missing; run this script as root (it uses apt-get)." >&2
        exit 1
    fi
fi

echo "install_browser: $CHROMIUM is missing: running ${SUDO:+$SUDO }apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
echo "install_browser: running ${SUDO:+$SUDO }apt-get install -y --no-install-recommends chromium fonts-liberation fonts-dejavu-core"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    chromium fonts-liberation fonts-dejavu-core
echo "install_browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
