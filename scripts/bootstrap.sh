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
