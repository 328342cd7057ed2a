#!/usr/bin/env bash
# Installs Debian's chromium when it is missing: `.ci/run` runs this, and so does the console's
# browser test (test/integration/console-browser.test.ts), so a plain `npm test` on a fresh machine
# gets it too. playwright-core drives this browser; `npx playwright install` is never used, as it
# downloads a browser of its own, which this machine's closed network refuses (../shared/services.md).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is missing; installing Debian's chromium package"
  install_chromium() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  }
  install_chromium || { apt-get update && install_chromium; } || {
    echo "could not install chromium" >&2
    exit 1
  }
fi
