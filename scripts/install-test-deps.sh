#!/bin/sh
# Installs the system packages the test suite needs when they are missing: Debian's chromium and
# chromium-driver for the browser tests (tests/web/test_browser.py). Needs root and apt (a fresh
# Debian server or CI); elsewhere it says what to install and the browser tests skip (under
# CI=true they fail instead). Safe to run again: it does nothing when both are installed.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium and chromium-driver for the browser tests (apt-get) ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && \
    apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null && exit 0
  echo "could not install chromium with apt-get; the browser tests will not run" >&2
  exit 0
fi
echo "chromium/chromedriver missing: as root run 'apt-get install chromium chromium-driver' to run the browser tests" >&2
exit 0
