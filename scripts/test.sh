#!/usr/bin/env bash
# Install what the tests need (Python packages, Debian's Chromium and chromedriver) and run
# the whole suite headless. Safe to run again: installed pieces are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver
fi
exec python3 -m pytest --headless "$@"
