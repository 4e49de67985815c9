#!/usr/bin/env bash
# Set-up and the two everyday commands of the checkout.
#   bash dev.sh demo   – create .venv if missing, then run a demo private recording period
#   bash dev.sh test   – create .venv if missing, then ruff, mypy and pytest
set -euo pipefail
cd "$(dirname "$0")"

PY=${PYTHON:-python3}
VENV=.venv

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PY" -m venv "$VENV"
    fi
    # Reinstall only when the project definition or the pins changed.
    local stamp="$VENV/.bunpai-installed"
    local want
    want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e ".[dev]"
        echo "$want" > "$stamp"
    fi
}

cmd=${1:-help}
shift || true
case "$cmd" in
    demo)
        ensure_venv
        out=${1:-demo-output}
        rm -rf "$out"
        "$VENV/bin/bunpai" prc demo "$out/input"
        "$VENV/bin/bunpai" prc run "$out/input" --out "$out/result"
        ;;
    test)
        ensure_venv
        "$VENV/bin/ruff" check src tests benchmarks
        "$VENV/bin/mypy"
        "$VENV/bin/pytest" "$@"
        ;;
    setup)
        ensure_venv
        ;;
    *)
        echo "usage: bash dev.sh demo|test|setup" >&2
        exit 2
        ;;
esac
