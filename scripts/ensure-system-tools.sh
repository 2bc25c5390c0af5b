#!/usr/bin/env bash
# Makes sure the programs the tests and the audit drive exist: a Chromium (Playwright's own where installed,
# else the system's) and curl (a real client for the proxy tests). Playwright cannot download browsers on
# every network, so on a Debian machine where we are root this installs what is missing with apt; anywhere
# else it says what to do. With --tests it also makes sure of Xvfb (xvfb-run), for the test of
# `expiryproof init --headed`, which needs a display, and of the PostgreSQL and Redis servers that the
# @expiryproof/server store tests start on 127.0.0.1 (only their binaries: no service is set up or started).
# With --bench it makes sure of the PostgreSQL and Redis servers (the server bench) and tries for wrk, the load
# generator of the proxy bench: written in C, it leaves the machine's cores to the servers being measured
# (without it the bench uses autocannon, in Node, and says so).
set -euo pipefail

missing=()
has_chromium() {
  ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-* >/dev/null 2>&1 && return 0
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then return 0; fi
  done
  return 1
}
has_postgres() {
  if [ -n "${EP_PG_BIN:-}" ] && [ -x "$EP_PG_BIN/initdb" ] && [ -x "$EP_PG_BIN/postgres" ]; then return 0; fi
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/postgres" ]; then return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1
}
has_chromium || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${1:-}" = "--tests" ]; then
  command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
fi
if [ "${1:-}" = "--tests" ] || [ "${1:-}" = "--bench" ]; then
  has_postgres || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || [ -x "${EP_REDIS_SERVER:-}" ] || missing+=(redis-server)
fi
if [ "${1:-}" = "--bench" ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "expiryproof: installing Debian's ${missing[*]}…"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  # wrk only makes the bench steadier: failing to install it alone stops nothing.
  [ "${missing[*]}" = "wrk" ] && exit 0
  exit 1
fi

for tool in "${missing[@]}"; do
  case "$tool" in
    chromium)
      echo "expiryproof: no Chromium found. Run 'npx playwright install chromium', install your system's chromium" >&2
      echo "(Debian/Ubuntu: 'sudo apt-get install chromium'), or set CHROMIUM_PATH to a Chromium binary." >&2
      ;;
    curl) echo "expiryproof: curl is missing (Debian/Ubuntu: 'sudo apt-get install curl')." >&2 ;;
    xvfb) echo "expiryproof: xvfb-run is missing (Debian/Ubuntu: 'sudo apt-get install xvfb')." >&2 ;;
    postgresql)
      echo "expiryproof: the PostgreSQL server (initdb, postgres) is missing, for the store tests (Debian/Ubuntu:" >&2
      echo "'sudo apt-get install postgresql'; elsewhere set EP_PG_BIN to the directory that holds initdb and postgres)." >&2
      ;;
    redis-server)
      echo "expiryproof: redis-server is missing, for the store tests (Debian/Ubuntu: 'sudo apt-get install redis-server';" >&2
      echo "elsewhere set EP_REDIS_SERVER to its path)." >&2
      ;;
    wrk)
      echo "expiryproof: wrk is missing (Debian/Ubuntu: 'sudo apt-get install wrk'): the proxy bench falls back to" >&2
      echo "autocannon, which shares the cores with the servers it measures, so its ratios are noisier." >&2
      ;;
  esac
done
# wrk only makes the bench steadier: its absence alone stops nothing.
[ "${missing[*]}" = "wrk" ] && exit 0
exit 1
