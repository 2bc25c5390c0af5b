#!/usr/bin/env bash
# Makes sure a Chromium exists for the browser tests and the audit: Playwright's own where installed, else the
# system's. Playwright cannot download browsers on every network, so on a Debian machine where we are root this
# installs Debian's chromium; anywhere else it says what to do.
set -euo pipefail

if ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-* >/dev/null 2>&1; then exit 0; fi
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "expiryproof: no Chromium found; installing Debian's chromium…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi

echo "expiryproof: no Chromium found. Run 'npx playwright install chromium', install your system's chromium" >&2
echo "(Debian/Ubuntu: 'sudo apt-get install chromium'), or set CHROMIUM_PATH to a Chromium binary." >&2
exit 1
