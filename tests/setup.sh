#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine (idempotent):
#   - .venv with kpeace and its test and hub extras (pytest, frictionless, playwright, ...);
#   - Debian's chromium for the browser tests (playwright drives /usr/bin/chromium; it never
#     downloads a browser of its own);
#   - axe-core from npm, in .venv/npm, for the accessibility checks;
#   - the W3C Nu HTML Checker (vnu-jar from npm, in .venv/npm) and a Java runtime to run it;
#   - as root, the learners' Python for the hub tests (see the end of this file).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,hub]"
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
# The hub tests (tests/test_hub.py) run a class on JupyterHub with one system account per
# learner. Those accounts must be able to run the learners' Python, so it is a virtual
# environment made from Debian's /usr/bin/python3 outside any home folder (a checkout may sit
# in a mode-700 home), with kpeace installed from this checkout (not editable), refreshed on
# every run. Only as root: creating accounts needs root anyway.
HUB_PYTHON_DIR="${KPEACE_HUB_TEST_VENV:-/opt/kpeace-hub-test}"
if [ "$(id -u)" = "0" ]; then
    /usr/bin/python3 -c "import ensurepip" 2>/dev/null || apt_install python3-venv
    [ -x "$HUB_PYTHON_DIR/bin/python" ] || /usr/bin/python3 -m venv "$HUB_PYTHON_DIR"
    "$HUB_PYTHON_DIR/bin/python" -m pip install --quiet --upgrade pip
    "$HUB_PYTHON_DIR/bin/python" -m pip install --quiet ".[hub]"
    "$HUB_PYTHON_DIR/bin/python" -m pip install --quiet --force-reinstall --no-deps .
fi
