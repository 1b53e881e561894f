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

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
SERVER_THREADS=${SERVER_THREADS:-2}
ENTERPRISES=${ENTERPRISES:-10000}
WARMUP=${WARMUP:-2}
TARGET=${TARGET:-0.5}
NGINX=${NGINX:-/usr/sbin/nginx}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
OUT=${OUT:-build-release/bench}

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl sqlite3 awk timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install wrk curl sqlite3)"
done
[[ -x $NGINX ]] || die "$NGINX not found (Debian: apt-get install nginx-light)"
for n in DURATION ROUNDS THREADS CONNECTIONS SERVER_THREADS ENTERPRISES WARMUP; do
    [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, got '${!n}'"
done
(( DURATION > 0 && ROUNDS > 0 )) || die "DURATION and ROUNDS must be > 0"

# --- the binary -------------------------------------------------------------
if [[ -n ${CRYPTOREG_BIN:-} ]]; then
    BIN=$CRYPTOREG_BIN
    [[ -x $BIN ]] || die "CRYPTOREG_BIN=$BIN is not an executable file"
else
    BIN=$repo/build-release/cryptoreg
    # Always let cmake bring the release build up to date (incremental, cheap
    # when nothing changed), so that a stale binary is never measured.
    if [[ ! -f build-release/CMakeCache.txt ]]; then
        log "configuring build-release (Release, no sanitizers)"
        cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DCRYPTOREG_SANITIZE=OFF >&2
    fi
    log "building build-release/cryptoreg"
    cmake --build build-release -j2 >&2
    [[ -x $BIN ]] || die "build did not produce $BIN"
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# --- temp dir, cleanup --------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cryptoreg-bench.XXXXXX")
server_pid=
nginx_pid=
wrk_pid=

stop_pid() { # pid name: TERM, wait up to 5 s, then KILL
    local pid=$1 name=$2 i
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) did not stop on TERM, killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$wrk_pid" wrk
    stop_pid "$server_pid" cryptoreg
    stop_pid "$nginx_pid" nginx
    if (( rc != 0 )); then
        for f in server.log nginx/error.log; do
            if [[ -s $tmp/$f ]]; then
                log "last lines of $f:"
                tail -n 20 "$tmp/$f" >&2 || true
            fi
        done
    fi
    if [[ ${KEEP_TMP:-0} == 1 ]]; then
        log "kept $tmp"
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_is_free() { # nothing accepts a connection there
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
pick_port() { # a free port in 20000-59999, different from $1
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 40000))
        [[ $p != "${1:-}" ]] && port_is_free "$p" && { echo "$p"; return 0; }
    done
    die "no free port found"
}

wait_http() { # url pid name: until the URL answers 200, or the process dies, or 30 s
    local url=$1 pid=$2 name=$3 i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || die "$name exited before it was ready"
        curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    die "$name did not answer $url within 30 s"
}

# --- 1. cryptoreg with 10,000 enterprises -------------------------------------
# other load on the machine makes the figures unreliable: note it
load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load_before" 'BEGIN { exit !(l >= 1.0) }'; then
    log "warning: load average is $load_before before the run; the figures will be noisy"
fi
db=$tmp/db
log "tmp dir $tmp"
"$BIN" --db "$db" init >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; die "cryptoreg init failed"; }
log "loading $ENTERPRISES demo enterprises"
"$BIN" --db "$db" demo --enterprises "$ENTERPRISES" >"$tmp/demo.log" 2>&1 \
    || { tail -n 20 "$tmp/demo.log" >&2; die "cryptoreg demo failed"; }
count=$(sqlite3 "$db" "select count(*) from enterprises")
if ! [[ $count =~ ^[0-9]+$ ]] || (( count <= ENTERPRISES / 2 )); then
    die "expected $ENTERPRISES enterprises in the database, found '$count'"
fi
[[ $count == "$ENTERPRISES" ]] || log "warning: asked for $ENTERPRISES enterprises, the database holds $count"

port=$(pick_port)
"$BIN" --db "$db" serve --listen "127.0.0.1:$port" --threads "$SERVER_THREADS" >"$tmp/server.log" 2>&1 &
server_pid=$!
server_base=http://127.0.0.1:$port
wait_http "$server_base/healthz" "$server_pid" cryptoreg
log "cryptoreg pid $server_pid on 127.0.0.1:$port"

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
mkdir -p "$tmp/nginx/temp"
# user: workers run as the invoking user (only honoured when run as root; the
# temp dir is private to that user).
cat >"$tmp/nginx/nginx.conf" <<EOF
user $(id -un) $(id -gn);
daemon off;
master_process on;
worker_processes $SERVER_THREADS;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    client_body_temp_path $tmp/nginx/temp/body;
    proxy_temp_path $tmp/nginx/temp/proxy;
    fastcgi_temp_path $tmp/nginx/temp/fastcgi;
    uwsgi_temp_path $tmp/nginx/temp/uwsgi;
    scgi_temp_path $tmp/nginx/temp/scgi;
    types { }
    default_type application/json;
    charset utf-8;
    charset_types application/json;
    sendfile on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port2;
        root $tmp/static;
        location / { }
    }
}
EOF
"$NGINX" -t -q -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
    || die "nginx rejected its configuration"
"$NGINX" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
nginx_url=http://127.0.0.1:$port2/lookup.json
wait_http "$nginx_url" "$nginx_pid" nginx
curl -sS -o "$tmp/nginx.body" -D "$tmp/nginx.headers" "$nginx_url"
cmp -s "$tmp/nginx.body" "$tmp/static/lookup.json" || die "nginx does not serve the same body"
nginx_header_bytes=$(wc -c <"$tmp/nginx.headers")
log "nginx pid $nginx_pid on 127.0.0.1:$port2"

# --- 4. load ----------------------------------------------------------------------
to_ms() { # wrk duration (e.g. 812.00us, 1.23ms, 2.00s, 1.00m) -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
        if (f < 0 || n == "") exit 1
        printf "%.3f", n * f }'
}

# run_wrk name url seconds outfile: sets WRK_RPS WRK_P99 WRK_REQS WRK_ERRORS
run_wrk() {
    local name=$1 url=$2 secs=$3 out=$4 p99raw non2xx sock
    # in the background and waited for, so that INT/TERM stop the run at once
    timeout $((secs + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency "$url" >"$out" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || { wrk_pid=; cat "$out" >&2; die "wrk against $name failed"; }
    wrk_pid=
    WRK_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    p99raw=$(awk '$1 == "99%" { print $2 }' "$out")
    WRK_REQS=$(awk '/requests in/ { print $1 }' "$out")
    [[ -n $WRK_RPS && -n $p99raw && -n $WRK_REQS ]] || { cat "$out" >&2; die "could not parse wrk output for $name"; }
    WRK_P99=$(to_ms "$p99raw") || die "could not parse latency '$p99raw'"
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    sock=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
    WRK_ERRORS=$(( ${non2xx:-0} + ${sock:-0} ))
    (( WRK_REQS > 0 )) || die "wrk made no request against $name"
}

if (( WARMUP > 0 )); then
    log "warm-up ${WARMUP}s each"
    run_wrk cryptoreg "$server_url" "$WARMUP" "$tmp/warmup-server.txt"
    run_wrk nginx "$nginx_url" "$WARMUP" "$tmp/warmup-nginx.txt"
fi

s_rps=() s_p99=() s_err=() n_rps=() n_p99=() n_err=()
total_errors=0
for ((r = 1; r <= ROUNDS; r++)); do
    log "round $r/$ROUNDS: cryptoreg ${DURATION}s"
    run_wrk cryptoreg "$server_url" "$DURATION" "$tmp/round$r-server.txt"
    s_rps+=("$WRK_RPS") s_p99+=("$WRK_P99") s_err+=("$WRK_ERRORS")
    total_errors=$((total_errors + WRK_ERRORS))
    kill -0 "$server_pid" 2>/dev/null || die "cryptoreg died during the run"
    log "round $r/$ROUNDS: nginx ${DURATION}s"
    run_wrk nginx "$nginx_url" "$DURATION" "$tmp/round$r-nginx.txt"
    n_rps+=("$WRK_RPS") n_p99+=("$WRK_P99") n_err+=("$WRK_ERRORS")
    total_errors=$((total_errors + WRK_ERRORS))
done
# the body must not have changed under load (same answer, not an error page)
curl -sS -o "$tmp/after.body" "$server_url"
cmp -s "$tmp/after.body" "$tmp/static/lookup.json" || die "cryptoreg's answer changed during the run"

# --- 5. report --------------------------------------------------------------------
load_after=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
s_med_rps=$(median "${s_rps[@]}")
n_med_rps=$(median "${n_rps[@]}")
s_med_p99=$(median "${s_p99[@]}")
n_med_p99=$(median "${n_p99[@]}")
ratio=$(awk -v a="$s_med_rps" -v b="$n_med_rps" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
meets=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r >= t) ? "true" : "false" }')
valid=true
(( total_errors == 0 )) || valid=false

printf '\nenterprise lookup: cryptoreg GET /api/v1/enterprises?q=%s vs nginx static copy (%s bytes)\n' "$uscc" "$body_bytes"
printf 'wrk -t%s -c%s -d%ss --latency, %s rounds, cryptoreg --threads %s, nginx worker_processes %s, %s enterprises\n\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$SERVER_THREADS" "$SERVER_THREADS" "$ENTERPRISES"
printf '%-8s %16s %16s %14s %14s %8s\n' round "cryptoreg req/s" "nginx req/s" "cryptoreg p99" "nginx p99" errors
for ((i = 0; i < ROUNDS; i++)); do
    printf '%-8s %16.1f %16.1f %11.3f ms %11.3f ms %8s\n' "$((i + 1))" "${s_rps[i]}" "${n_rps[i]}" "${s_p99[i]}" "${n_p99[i]}" \
        "$((s_err[i] + n_err[i]))"
done
printf '%-8s %16.1f %16.1f %11.3f ms %11.3f ms %8s\n' median "$s_med_rps" "$n_med_rps" "$s_med_p99" "$n_med_p99" "$total_errors"
printf '\nratio cryptoreg/nginx (median req/s): %s   target >= %s: %s\n' "$ratio" "$TARGET" \
    "$([[ $meets == true ]] && echo met || echo NOT met)"
printf 'load average (1 min) before the run: %s (should be well under 1; the run itself raises it)\n' "$load_before"
[[ $valid == true ]] || printf 'INVALID RUN: wrk counted %s non-2xx responses or socket errors\n' "$total_errors"

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json=$OUT/enterprise-lookup-$stamp.json
commit=$(git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
dirty=false
[[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || dirty=true
jarr() { local IFS=,; printf '[%s]' "$*"; }
jstr() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
{
    printf '{\n'
    printf '  "benchmark": "enterprise-lookup",\n'
    printf '  "date": %s,\n' "$(jstr "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
    printf '  "git_commit": %s,\n  "git_dirty": %s,\n' "$(jstr "$commit")" "$dirty"
    printf '  "host": {"cpus": %s, "kernel": %s, "loadavg_before": %s, "loadavg_after": %s},\n' \
        "$(nproc)" "$(jstr "$(uname -sr)")" "$load_before" "$load_after"
    printf '  "tools": {"wrk": %s, "nginx": %s, "cryptoreg": %s},\n' \
        "$(jstr "$(wrk --version 2>&1 | head -n1 | awk '{print $2}')")" \
        "$(jstr "$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')")" \
        "$(jstr "$("$BIN" version 2>/dev/null | head -n1 || true)")"
    printf '  "params": {"threads": %s, "connections": %s, "duration_s": %s, "rounds": %s, "warmup_s": %s, "server_threads": %s, "enterprises": %s, "enterprises_in_db": %s},\n' \
        "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$WARMUP" "$SERVER_THREADS" "$ENTERPRISES" "$count"
    printf '  "request": {"path": %s, "uscc": %s, "body_bytes": %s, "cryptoreg_header_bytes": %s, "nginx_header_bytes": %s},\n' \
        "$(jstr "/api/v1/enterprises?q=$uscc")" "$(jstr "$uscc")" "$body_bytes" "$server_header_bytes" "$nginx_header_bytes"
    printf '  "cryptoreg": {"rps": %s, "p99_ms": %s, "errors": %s, "median_rps": %s, "median_p99_ms": %s},\n' \
        "$(jarr "${s_rps[@]}")" "$(jarr "${s_p99[@]}")" "$(jarr "${s_err[@]}")" "$s_med_rps" "$s_med_p99"
    printf '  "nginx": {"rps": %s, "p99_ms": %s, "errors": %s, "median_rps": %s, "median_p99_ms": %s},\n' \
        "$(jarr "${n_rps[@]}")" "$(jarr "${n_p99[@]}")" "$(jarr "${n_err[@]}")" "$n_med_rps" "$n_med_p99"
    printf '  "ratio": %s,\n  "target": %s,\n  "meets_target": %s,\n  "valid": %s\n' "$ratio" "$TARGET" "$meets" "$valid"
    printf '}\n'
} >"$json"
printf 'results: %s\n' "$json"

[[ $valid == true ]] || exit 1
