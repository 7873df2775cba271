#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine (idempotent):
#   - .venv with kpeace and its test extra (pytest, frictionless, playwright, ...);
#   - Debian's chromium for the browser tests (playwright drives /usr/bin/chromium; it never
#     downloads a browser of its own);
#   - axe-core from npm, in .venv/npm, for the accessibility checks;
#   - the W3C Nu HTML Checker (vnu-jar from npm, in .venv/npm) and a Java runtime to run it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
apt_install() {
    if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "$@" >/dev/null
}
[ -x /usr/bin/chromium ] || apt_install chromium
if [ ! -f .venv/npm/node_modules/axe-core/axe.min.js ]; then
    command -v npm >/dev/null || apt_install nodejs npm
    npm install --silent --no-audit --no-fund --prefix .venv/npm axe-core@4 >/dev/null
fi
[ -x "$(command -v java)" ] || apt_install default-jre-headless
if [ ! -f .venv/npm/node_modules/vnu-jar/build/dist/vnu.jar ]; then
    npm install --silent --no-audit --no-fund --prefix .venv/npm vnu-jar >/dev/null
fi
