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

if [ "$(id -u)" -ne 0 ]; then
    echo "install_browser: $CHROMIUM is missing and this script must run as root (apt-get)." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install_browser: $CHROMIUM is missing: running apt-get update"
apt-get update
echo "install_browser: running apt-get install -y --no-install-recommends chromium fonts-liberation fonts-dejavu-core"
apt-get install -y --no-install-recommends chromium fonts-liberation fonts-dejavu-core
echo "install_browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
