#!/usr/bin/env bash
# Runs OpenSanctions' Python client (yente-client, from PyPI) against a real portwatch server:
# a store with a listed person and a stolen car, a screening API key, `portwatch serve` on a
# loopback port (plain HTTP is allowed there), then scripts/yente_client_check.py.
#
#   scripts/yente_client_check.sh            # builds portwatch (debug) first
#   PORTWATCH_BIN=target/release/portwatch scripts/yente_client_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PORTWATCH_BIN:-}" ]; then
    cargo build -q -p portwatch-cli
fi
bin=${PORTWATCH_BIN:-${CARGO_TARGET_DIR:-target}/debug/portwatch}
venv=${YENTE_VENV:-${TMPDIR:-/tmp}/portwatch-yente-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import yente_client' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'yente-client==0.2.0'
fi
data=$(mktemp -d)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT
pw() { "$bin" --data "$data" "$@"; }
pw init >/dev/null
pw ca agency --id ncb-rabat --name "NCB Rabat" --kind ncb --country MAR >/dev/null
pw ca agency --id bp-tanger-med --name "Tanger Med" --kind border_post --country MAR \
    --parent ncb-rabat >/dev/null
cat >"$data/records.jsonl" <<'JSON'
{"owner":"ncb-rabat","visibility":"all","source_id":"A-42/2019","person":{"owner_ref":"P-42","names":[{"full":"Karim BENALI","kind":"primary"}],"birth_dates":["1979-04-12"],"nationalities":["MAR"],"sex":"M","notices":[{"kind":"red","reference":"A-42/2019"}]}}
{"owner":"ncb-rabat","visibility":"all","vehicle":{"vin":"VF1RFB00X56789012","plate":{"country":"ESP","number":"1234BCD"},"make":"Renault","model":"Clio"}}
JSON
pw import "$data/records.jsonl" >/dev/null
key=$(pw ca key create --agency bp-tanger-med --role screener --name yente-client | grep -o 'pwk_[A-Za-z0-9_]*' | head -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pw serve --listen "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/readyz')" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
PORTWATCH_URL="http://127.0.0.1:$port" PORTWATCH_KEY="$key" "$venv/bin/python" scripts/yente_client_check.py
