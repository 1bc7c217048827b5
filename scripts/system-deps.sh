#!/usr/bin/env bash
# Install the Debian packages the product and its tests need when they are missing: the
# PostgreSQL 15 server (the suite starts its own throw-away cluster) and the DejaVu fonts
# (Vietnamese text in certificate PDFs) and Chromium for the browser tests (driven by the
# playwright package; its own browser download is not used). Needs root for apt-get; without it,
# the tests that need them are skipped with a message saying why.
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing ${need[*]}; not root, so the tests that need them will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system-deps: installed ${need[*]}"
