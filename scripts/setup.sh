#!/usr/bin/env bash
# Sets up ImageChat in ./.venv (Python 3.11+). Safe to run again: it reinstalls only when
# pyproject.toml or constraints.txt changed. With --browser, also makes sure Debian's Chromium
# is installed for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "ImageChat needs Python 3.11 or newer (python3.11 not found)." >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  "$(pick_python)" -m venv .venv
fi

stamp=.venv/.imagechat-installed
want=$(cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing ImageChat and its dependencies into .venv ..."
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  constraint_args=()
  [ -f constraints.txt ] && constraint_args=(-c constraints.txt)
  .venv/bin/python -m pip install -q "${constraint_args[@]}" -e ".[test]"
  echo "$want" > "$stamp"
fi

# Chromium for the browser tests; the emoji font makes their screenshots show what users see.
packages="chromium fonts-noto-color-emoji"
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests ..."
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  else
    echo "Chromium is missing: install it with 'apt-get install chromium' as root." >&2
    exit 1
  fi
fi
