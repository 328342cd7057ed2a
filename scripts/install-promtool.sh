#!/usr/bin/env bash
# Installs promtool when it is missing: `.ci/run` runs this, and so does the test that needs it
# (test/contract/ops-kit.test.ts), so a plain `npm test` on a fresh machine gets it too.
#
# promtool checks the alert rules (test/contract/ops-kit.test.ts); it comes with Debian's
# prometheus package, whose install would also start a Prometheus server on :9090. A policy-rc.d
# answering 101 ("action forbidden", https://people.debian.org/~hmh/invokerc.d-policyrc.d-specification.txt)
# keeps invoke-rc.d from starting it, and it is disabled so no boot starts it either.
set -euo pipefail
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool is missing; installing Debian's prometheus package for it"
  policy=/usr/sbin/policy-rc.d
  saved=""
  if [ -e "$policy" ]; then saved="$(mktemp)" && cp -p "$policy" "$saved"; fi
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
  install_prometheus() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
  }
  status=0
  install_prometheus || { apt-get update && install_prometheus; } || status=$?
  if [ -n "$saved" ]; then mv "$saved" "$policy"; else rm -f "$policy"; fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
  [ "$status" -eq 0 ] || { echo "could not install prometheus (for promtool)" >&2; exit 1; }
fi
