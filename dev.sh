#!/usr/bin/env bash
# Set-up and the two everyday commands of the checkout.
#   bash dev.sh demo   – create .venv if missing, then a demo broadcast quarter end to end and a private recording period
#   bash dev.sh broadcast-demo – a demo broadcast quarter: run, statements, CRD, Zengin, a trace
#   bash dev.sh test   – create .venv if missing (and Chromium for the browser tests), then ruff, mypy and pytest
#   bash dev.sh web    – the demo site with demo users of each role on http://127.0.0.1:8000
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

# The browser tests drive Debian's Chromium (a browser download of Playwright's own does not work
# everywhere). Install it when it is missing and apt-get is there (as root, or through sudo).
ensure_chromium() {
    if [ -x /usr/bin/chromium ] || [ -n "${BUNPAI_CHROMIUM:-}" ]; then
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "chromium is missing and this user cannot install it: run 'apt-get install -y chromium' as root" >&2
            return 0  # the browser tests then fail with the same message
        fi
    fi
    if command -v apt-get >/dev/null 2>&1; then
        echo "installing chromium for the browser tests (apt-get)…" >&2
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is missing and apt-get is not available: install Chromium, or set BUNPAI_CHROMIUM" >&2
    fi
}

# Japanese pages in the browser tests' screenshots need a Japanese font (else boxes are drawn):
# Debian's small IPA Gothic, installed like Chromium when no font covers Japanese.
ensure_japanese_font() {
    if ! command -v fc-list >/dev/null 2>&1 || [ -n "$(fc-list :lang=ja 2>/dev/null | head -1)" ]; then
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else return 0; fi
    fi
    if command -v apt-get >/dev/null 2>&1; then
        echo "installing a Japanese font for the browser screenshots (apt-get)…" >&2
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipafont-gothic >/dev/null \
            || { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
                 && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipafont-gothic >/dev/null; } \
            || echo "no Japanese font installed: screenshots show boxes for Japanese text" >&2
    fi
}

cmd=${1:-help}
shift || true
case "$cmd" in
    demo)
        ensure_venv
        out=${1:-demo-output}
        rm -rf "$out"
        mkdir -p "$out"
        # A. A broadcast quarter end to end on its own SQLite registry: CWR registrations → licences and
        #    fees → the stations' monthly reports (bad lines, a re-sent and a corrected file) →
        #    identification and the queue → the quarter's distribution → statements, CRD and Zengin files.
        export BUNPAI_DATABASE_URL="sqlite:///$(cd "$out" && pwd)/registry.sqlite3"
        "$VENV/bin/bunpai" demo quarter "$out/quarter"
        # … and the largest yen of the quarter traced back to its usage lines and rules.
        top=$("$VENV/bin/python" -c "import polars as pl,sys; t=pl.read_csv(sys.argv[1], infer_schema=False).sort(pl.col('gross_yen').cast(pl.Int64), descending=True).row(0, named=True); print(t['payee_id'], t['work_id'])" "$out/quarter/result/statement_lines.csv")
        set -- $top
        "$VENV/bin/bunpai" trace "$out/quarter/result" --input "$out/quarter/input" --payee "$1" --work "$2" --limit 5
        # B. A private recording compensation period, through a registry of its own.
        export BUNPAI_DATABASE_URL="sqlite:///$(cd "$out" && pwd)/registry-prc.sqlite3"
        # 1. a realistic period: parties, works, rights with their dates, usage, claims
        "$VENV/bin/bunpai" prc demo "$out/prc/generated"
        # 2. parties, works and rights go into the registry (the works database) …
        "$VENV/bin/bunpai" registry migrate >/dev/null
        "$VENV/bin/bunpai" registry load-prc "$out/prc/generated"
        # 3. … and come back out as of the reference date, from documents received in time
        cp -r "$out/prc/generated" "$out/prc/input"
        "$VENV/bin/bunpai" registry export-prc "$out/prc/input" --reference-date 2026-06-30
        # 4. the distribution of the period
        "$VENV/bin/bunpai" prc run "$out/prc/input" --out "$out/prc/result"
        ;;
    broadcast-demo)
        ensure_venv
        out=${1:-demo-output/broadcast}
        rm -rf "$out"
        mkdir -p "$out"
        # 1. a generated quarter: fund groups, stations, parties with bank accounts, shares, usage lines
        "$VENV/bin/bunpai" broadcast demo "$out/input"
        # 2. the quarter's distribution, its conservation shown
        "$VENV/bin/bunpai" broadcast run "$out/input" --out "$out/result"
        # 3. statements (CSV, PDF), CRD files for foreign societies, the Zengin transfer file
        "$VENV/bin/bunpai" broadcast statements "$out/result" --input "$out/input" --out "$out/statements"
        # 4. the yen of the largest statement line traced back to its usage lines and rules
        top=$("$VENV/bin/python" -c "import polars as pl,sys; t=pl.read_csv(sys.argv[1], infer_schema=False).sort(pl.col('gross_yen').cast(pl.Int64), descending=True).row(0, named=True); print(t['payee_id'], t['work_id'])" "$out/result/statement_lines.csv")
        set -- $top
        "$VENV/bin/bunpai" trace "$out/result" --input "$out/input" --payee "$1" --work "$2" --limit 8
        ;;
    test)
        ensure_venv
        ensure_chromium
        ensure_japanese_font
        "$VENV/bin/ruff" check src tests benchmarks
        "$VENV/bin/mypy"
        "$VENV/bin/pytest" "$@"
        ;;
    setup)
        ensure_venv
        ;;
    web)
        ensure_venv
        "$VENV/bin/bunpai" web demo "$@"
        ;;
    *)
        echo "usage: bash dev.sh demo|broadcast-demo|test|setup|web" >&2
        exit 2
        ;;
esac
