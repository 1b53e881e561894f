#!/usr/bin/env bash
# Purpose: measure the throughput and tail latency of cryptoreg's public
# enterprise lookup (GET /api/v1/enterprises?q=<USCC>) on a database of
# 10,000 demo enterprises, against a baseline of nginx serving the very same
# response body as a static file, on the same machine, with the same load
# (wrk, same threads / connections / duration), alternating the two servers
# round by round. Reports per-round figures, the medians and the ratio
# cryptoreg/nginx (target >= 0.5). Traffic goes to 127.0.0.1 only.
#
# Usage: bench/enterprise-lookup.sh            (from anywhere in the repo)
# Environment (all optional):
#   CRYPTOREG_BIN  binary to use; if unset, build-release/cryptoreg is built
#                  (Release, no sanitizers) or brought up to date first
#   DURATION       seconds per wrk run (default 10)
#   ROUNDS         server/nginx pairs (default 3)
#   THREADS        wrk threads (default 2)   CONNECTIONS  wrk connections (32)
#   SERVER_THREADS cryptoreg serve --threads and nginx worker_processes (2)
#   ENTERPRISES    demo enterprises loaded (default 10000)
#   WARMUP         seconds of unrecorded load on each server first (default 2; 0 = none)
#   TARGET         minimum acceptable ratio cryptoreg/nginx (default 0.5)
#   OUT            directory for the JSON result (default build-release/bench)
#   NGINX          nginx binary (default /usr/sbin/nginx)
#   KEEP_TMP=1     keep the temporary directory (logs, db, nginx conf)
# Exit status: 0 when the run was valid (whatever the ratio; the verdict is
# printed and in the JSON), 1 when something failed or wrk saw errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

default_settings
ENTERPRISES=${ENTERPRISES:-10000}
TARGET=${TARGET:-0.5}

cd "$repo"

require_tools "wrk curl sqlite3" wrk curl sqlite3 awk timeout
require_nginx
require_whole_numbers DURATION ROUNDS THREADS CONNECTIONS SERVER_THREADS ENTERPRISES WARMUP
(( DURATION > 0 && ROUNDS > 0 )) || die "DURATION and ROUNDS must be > 0"

build_cryptoreg all
make_tmp_dir

# --- 1. cryptoreg with 10,000 enterprises -------------------------------------
note_load_before
db=$tmp/db
log "tmp dir $tmp"
init_db "$db"
log "loading $ENTERPRISES demo enterprises"
load_demo "$db" --enterprises "$ENTERPRISES"
check_enterprises "$db" "$ENTERPRISES"

start_lookup_server "$db"

# --- 2. one USCC, its lookup body -------------------------------------------------
offset=$((ENTERPRISES / 2))
uscc=$(sqlite3 "$db" "select uscc from enterprises limit 1 offset $offset")
[[ $uscc =~ ^[0-9A-Z]{18}$ ]] || die "unexpected USCC from the database: '$uscc'"
server_url="$server_base/api/v1/enterprises?q=$uscc"
mkdir -p "$tmp/static"
code=$(curl -sS -o "$tmp/static/lookup.json" -D "$tmp/server.headers" -w '%{http_code}' "$server_url")
[[ $code == 200 ]] || die "GET $server_url answered $code: $(head -c 500 "$tmp/static/lookup.json")"
grep -qF "\"$uscc\"" "$tmp/static/lookup.json" || die "lookup body does not contain $uscc: $(head -c 500 "$tmp/static/lookup.json")"
body_bytes=$(wc -c <"$tmp/static/lookup.json")
server_header_bytes=$(wc -c <"$tmp/server.headers")
log "USCC $uscc, response body $body_bytes bytes"

# --- 3. nginx serving the same body -----------------------------------------------
port2=$(pick_port "$port")
nginx_url=http://127.0.0.1:$port2/lookup.json
start_nginx "$port2" /lookup.json application/json utf-8
curl -sS -o "$tmp/nginx.body" -D "$tmp/nginx.headers" "$nginx_url"
cmp -s "$tmp/nginx.body" "$tmp/static/lookup.json" || die "nginx does not serve the same body"
nginx_header_bytes=$(wc -c <"$tmp/nginx.headers")

# --- 4. load ----------------------------------------------------------------------
if (( WARMUP > 0 )); then
    log "warm-up ${WARMUP}s each"
    run_wrk cryptoreg "$server_url" "$WARMUP" "$tmp/warmup-server.txt"
    run_wrk nginx "$nginx_url" "$WARMUP" "$tmp/warmup-nginx.txt"
fi

for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r/$ROUNDS: cryptoreg ${DURATION}s"
    run_wrk cryptoreg "$server_url" "$DURATION" "$tmp/round$r-server.txt"
    record_run cryptoreg
    kill -0 "$server_pid" 2>/dev/null || die "cryptoreg died during the run"
    log "round $r/$ROUNDS: nginx ${DURATION}s"
    run_wrk nginx "$nginx_url" "$DURATION" "$tmp/round$r-nginx.txt"
    record_run nginx
done
# the body must not have changed under load (same answer, not an error page)
curl -sS -o "$tmp/after.body" "$server_url"
cmp -s "$tmp/after.body" "$tmp/static/lookup.json" || die "cryptoreg's answer changed during the run"

# --- 5. report --------------------------------------------------------------------
note_load_after
summarize_runs cryptoreg nginx
ratio=$(ratio "${MED_RPS[cryptoreg]}" "${MED_RPS[nginx]}")
meets=$(at_least "$ratio" "$TARGET")
valid=$(run_valid)

printf '\nenterprise lookup: cryptoreg GET /api/v1/enterprises?q=%s vs nginx static copy (%s bytes)\n' "$uscc" "$body_bytes"
printf 'wrk -t%s -c%s -d%ss --latency, %s rounds, cryptoreg --threads %s, nginx worker_processes %s, %s enterprises\n\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$SERVER_THREADS" "$SERVER_THREADS" "$ENTERPRISES"
print_pair_table cryptoreg nginx
printf '\nratio cryptoreg/nginx (median req/s): %s   target >= %s: %s\n' "$ratio" "$TARGET" "$(verdict "$meets")"
print_run_notes

json=$(json_path enterprise-lookup)
{
    json_head enterprise-lookup wrk nginx cryptoreg
    printf '  "params": {"threads": %s, "connections": %s, "duration_s": %s, "rounds": %s, "warmup_s": %s, "server_threads": %s, "enterprises": %s, "enterprises_in_db": %s},\n' \
        "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$WARMUP" "$SERVER_THREADS" "$ENTERPRISES" "$count"
    printf '  "request": {"path": %s, "uscc": %s, "body_bytes": %s, "cryptoreg_header_bytes": %s, "nginx_header_bytes": %s},\n' \
        "$(jstr "/api/v1/enterprises?q=$uscc")" "$(jstr "$uscc")" "$body_bytes" "$server_header_bytes" "$nginx_header_bytes"
    printf '  "cryptoreg": %s,\n' "$(json_runs cryptoreg)"
    printf '  "nginx": %s,\n' "$(json_runs nginx)"
    printf '  "ratio": %s,\n  "target": %s,\n  "meets_target": %s,\n  "valid": %s\n' "$ratio" "$TARGET" "$meets" "$valid"
    printf '}\n'
} >"$json"
printf 'results: %s\n' "$json"

[[ $valid == true ]] || exit 1
