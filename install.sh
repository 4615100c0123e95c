#!/usr/bin/env bash
# Installs what the center needs on Debian/Ubuntu, idempotently:
#   apt packages (when root or with sudo), a virtualenv in .venv, the project in it.
#   ./install.sh          runtime (demo center)
#   ./install.sh --dev    runtime + test tools
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  python3 python3-venv python3-dev gcc
  mosquitto mosquitto-clients socat
  espeak-ng alsa-utils sox
  fonts-dejavu-core
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
  chromium
)
# chromium: the demo photographs the web face's pages with it, and the tests drive it
# (through Playwright, never `playwright install`: nothing is downloaded).
DEV_APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie)

extras="embedded"
packages=("${APT_PACKAGES[@]}")
if [[ "${1:-}" == "--dev" ]]; then
  extras="embedded,dev"
  packages+=("${DEV_APT_PACKAGES[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "install.sh: missing apt packages: ${missing[*]} (run as root or with sudo)" >&2; exit 1
  fi
  echo "install.sh: apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The distribution's mosquitto service is not ours: the center's hub manages its own broker.
if command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
  echo "install.sh: note: the system mosquitto service is running on port 1883"
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$extras-$(sha256sum pyproject.toml | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[$extras]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "install.sh: ready (.venv, extras: $extras)"
