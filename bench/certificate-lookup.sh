#!/usr/bin/env bash
# Purpose: measure the throughput and tail latency of cryptoreg's public
# certificate lookup (GET /api/v1/certificates?q=...) on a database of 10,000
# demo enterprises and 100,000 signed demo certificates, for two kinds of query:
#   number  q=<certificate number>                   (exact match)
#   name    q=<part of a holder's name, in Chinese>  (substring, full-text index)
# Each is measured against a baseline of nginx serving the very same response
# body as a static file, on the same machine, with the same load (wrk, same
# threads / connections / duration), alternating the servers round by round.
# Reports per-round figures, the medians and, for each lookup, the ratio
# cryptoreg/nginx (target >= 0.5). Traffic goes to 127.0.0.1 only.
#
# Usage: bench/certificate-lookup.sh           (from anywhere in the repo)
# Environment (all optional):
#   CRYPTOREG_BIN  binary to use; if unset, build-release/cryptoreg is built
#                  (Release, no sanitizers, target cryptoreg only) or brought
#                  up to date first
#   DURATION       seconds per wrk run (default 10)
#   ROUNDS         rounds; each runs both servers on both lookups (default 3)
#   THREADS        wrk threads (default 2)   CONNECTIONS  wrk connections (32)
#   SERVER_THREADS cryptoreg serve --threads and nginx worker_processes (2)
#   ENTERPRISES    demo enterprises loaded (default 10000)
#   CERTIFICATES   demo certificates issued (default 100000)
#   NAME_QUERY     the name query (default: the holder name of the middle
#                  certificate without its first two characters, the city)
#   WARMUP         seconds of unrecorded load on each server and lookup first
#                  (default 2; 0 = none)
#   TARGET         minimum acceptable ratio cryptoreg/nginx (default 0.5)
#   OUT            directory for the JSON result (default build-release/bench)
#   NGINX          nginx binary (default /usr/sbin/nginx)
#   KEEP_TMP=1     keep the temporary directory (logs, db, nginx conf)
# Exit status: 0 when the run was valid (whatever the ratios; the verdicts are
# printed and in the JSON), 1 when something failed or wrk saw errors.
set -euo pipefail

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
SERVER_THREADS=${SERVER_THREADS:-2}
ENTERPRISES=${ENTERPRISES:-10000}
CERTIFICATES=${CERTIFICATES:-100000}
NAME_QUERY=${NAME_QUERY:-}
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
for n in DURATION ROUNDS THREADS CONNECTIONS SERVER_THREADS ENTERPRISES CERTIFICATES WARMUP; do
    [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, got '${!n}'"
done
(( DURATION > 0 && ROUNDS > 0 )) || die "DURATION and ROUNDS must be > 0"
(( CERTIFICATES >= 2 )) || die "CERTIFICATES must be at least 2"

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
    # Only the server target: a test or fuzz target that does not build must
    # not stop the benchmark.
    log "building build-release/cryptoreg"
    cmake --build build-release -j2 --target cryptoreg >&2
    [[ -x $BIN ]] || die "build did not produce $BIN"
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# --- temp dir, cleanup --------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cryptoreg-bench.XXXXXX")
server_pid=
nginx_pid=
wrk_pid=
demo_pid=

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
    stop_pid "$demo_pid" "cryptoreg demo"
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

urlencode() { # string -> percent-encoded UTF-8 bytes (RFC 3986 unreserved kept)
    local LC_ALL=C s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~-]) out+=$c ;;
            *) printf -v c '%%%02X' "'$c"; out+=$c ;;
        esac
    done
    printf '%s' "$out"
}
sql_quote() { local s=${1//\'/\'\'}; printf "'%s'" "$s"; }

# --- 1. cryptoreg with 10,000 enterprises and 100,000 certificates ------------
# other load on the machine makes the figures unreliable: note it
load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load_before" 'BEGIN { exit !(l >= 1.0) }'; then
    log "warning: load average is $load_before before the run; the figures will be noisy"
fi
db=$tmp/db
log "tmp dir $tmp"
"$BIN" --db "$db" init >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; die "cryptoreg init failed"; }
log "loading $ENTERPRISES demo enterprises and $CERTIFICATES certificates (about a minute)"
demo_start=$(date +%s.%N)
# in the background and waited for, so that INT/TERM stop it at once
"$BIN" --db "$db" demo --enterprises "$ENTERPRISES" --certificates "$CERTIFICATES" >"$tmp/demo.log" 2>&1 &
demo_pid=$!
wait "$demo_pid" || { demo_pid=; tail -n 20 "$tmp/demo.log" >&2; die "cryptoreg demo failed"; }
demo_pid=
demo_seconds=$(awk -v a="$demo_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "demo data loaded in ${demo_seconds}s"
count=$(sqlite3 "$db" "select count(*) from enterprises")
if ! [[ $count =~ ^[0-9]+$ ]] || (( count <= ENTERPRISES / 2 )); then
    die "expected $ENTERPRISES enterprises in the database, found '$count'"
fi
[[ $count == "$ENTERPRISES" ]] || log "warning: asked for $ENTERPRISES enterprises, the database holds $count"
# the demo also issues a few certificates of its own (every status, legacy documents)
cert_count=$(sqlite3 "$db" "select count(*) from certificates where legacy = 0")
if ! [[ $cert_count =~ ^[0-9]+$ ]] || (( cert_count < CERTIFICATES )); then
    die "expected at least $CERTIFICATES certificates in the database, found '$cert_count'"
fi
db_bytes=$(stat -c %s "$db")

port=$(pick_port)
"$BIN" --db "$db" serve --listen "127.0.0.1:$port" --threads "$SERVER_THREADS" >"$tmp/server.log" 2>&1 &
server_pid=$!
server_base=http://127.0.0.1:$port
wait_http "$server_base/healthz" "$server_pid" cryptoreg
log "cryptoreg pid $server_pid on 127.0.0.1:$port"

# --- 2. the two queries, their lookup bodies -----------------------------------------
# number: the middle certificate (not a legacy document) of the table
offset=$((CERTIFICATES / 2))
number=$(sqlite3 "$db" "select number from certificates where legacy = 0 order by id limit 1 offset $offset")
[[ $number =~ ^[0-9A-Za-z-]{4,40}$ ]] || die "unexpected certificate number from the database: '$number'"
# name: a distinctive part of that certificate's holder name, which matches the
# certificates of one or a few holders (the demo issues ~10 per enterprise)
holder=$(sqlite3 "$db" "select holder_name from certificates where number = $(sql_quote "$number")")
[[ -n $holder ]] || die "no holder name for certificate $number"
if [[ -z $NAME_QUERY ]]; then
    NAME_QUERY=$(sqlite3 "$db" "select substr($(sql_quote "$holder"), 3)")
fi
(( ${#NAME_QUERY} >= 3 )) || die "NAME_QUERY '$NAME_QUERY' is shorter than 3 characters (not a full-text query)"
name_matches=$(sqlite3 "$db" "select count(*) from certificates where instr(holder_name, $(sql_quote "$NAME_QUERY")) > 0")
if ! [[ $name_matches =~ ^[0-9]+$ ]] || (( name_matches == 0 )); then
    die "NAME_QUERY '$NAME_QUERY' matches no certificate"
fi
(( name_matches <= 50 )) || log "warning: '$NAME_QUERY' matches $name_matches certificates; the body holds the first page (50)"
name_items=$(( name_matches < 50 ? name_matches : 50 ))

lookups=(number name)
declare -A L_Q L_PATH L_BYTES L_SHDR L_NHDR L_ITEMS
L_Q[number]=$number
L_Q[name]=$NAME_QUERY
L_ITEMS[number]=1
L_ITEMS[name]=$name_items
mkdir -p "$tmp/static"
for lk in "${lookups[@]}"; do
    L_PATH[$lk]="/api/v1/certificates?q=$(urlencode "${L_Q[$lk]}")"
    body=$tmp/static/$lk.json
    code=$(curl -sS -o "$body" -D "$tmp/server-$lk.headers" -w '%{http_code}' "$server_base${L_PATH[$lk]}")
    [[ $code == 200 ]] || die "GET ${L_PATH[$lk]} answered $code: $(head -c 500 "$body")"
    items=$(grep -o '"number":"[^"]*"' "$body" | wc -l)
    [[ $items == "${L_ITEMS[$lk]}" ]] || die "GET ${L_PATH[$lk]}: expected ${L_ITEMS[$lk]} certificates, the body holds $items: $(head -c 500 "$body")"
    L_BYTES[$lk]=$(wc -c <"$body")
    L_SHDR[$lk]=$(wc -c <"$tmp/server-$lk.headers")
done
grep -qF "\"number\":\"$number\"" "$tmp/static/number.json" || die "lookup body does not contain $number: $(head -c 500 "$tmp/static/number.json")"
grep -qF "$NAME_QUERY" "$tmp/static/name.json" || die "lookup body does not contain '$NAME_QUERY': $(head -c 500 "$tmp/static/name.json")"
log "number $number: 1 certificate, response body ${L_BYTES[number]} bytes"
log "name '$NAME_QUERY': $name_matches certificates, response body ${L_BYTES[name]} bytes"

# --- 3. nginx serving the same bodies ---------------------------------------------
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
nginx_base=http://127.0.0.1:$port2
wait_http "$nginx_base/number.json" "$nginx_pid" nginx
for lk in "${lookups[@]}"; do
    curl -sS -o "$tmp/nginx-$lk.body" -D "$tmp/nginx-$lk.headers" "$nginx_base/$lk.json"
    cmp -s "$tmp/nginx-$lk.body" "$tmp/static/$lk.json" || die "nginx does not serve the same body for $lk"
    L_NHDR[$lk]=$(wc -c <"$tmp/nginx-$lk.headers")
done
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
    for lk in "${lookups[@]}"; do
        run_wrk "cryptoreg ($lk)" "$server_base${L_PATH[$lk]}" "$WARMUP" "$tmp/warmup-$lk-server.txt"
        run_wrk "nginx ($lk)" "$nginx_base/$lk.json" "$WARMUP" "$tmp/warmup-$lk-nginx.txt"
    done
fi

# per lookup: space-separated per-round figures
declare -A S_RPS S_P99 S_ERR N_RPS N_P99 N_ERR
for lk in "${lookups[@]}"; do
    S_RPS[$lk]='' S_P99[$lk]='' S_ERR[$lk]='' N_RPS[$lk]='' N_P99[$lk]='' N_ERR[$lk]=''
done
total_errors=0
for ((r = 1; r <= ROUNDS; r++)); do
    for lk in "${lookups[@]}"; do
        log "round $r/$ROUNDS, $lk: cryptoreg ${DURATION}s"
        run_wrk "cryptoreg ($lk)" "$server_base${L_PATH[$lk]}" "$DURATION" "$tmp/round$r-$lk-server.txt"
        S_RPS[$lk]+=" $WRK_RPS" S_P99[$lk]+=" $WRK_P99" S_ERR[$lk]+=" $WRK_ERRORS"
        total_errors=$((total_errors + WRK_ERRORS))
        kill -0 "$server_pid" 2>/dev/null || die "cryptoreg died during the run"
        log "round $r/$ROUNDS, $lk: nginx ${DURATION}s"
        run_wrk "nginx ($lk)" "$nginx_base/$lk.json" "$DURATION" "$tmp/round$r-$lk-nginx.txt"
        N_RPS[$lk]+=" $WRK_RPS" N_P99[$lk]+=" $WRK_P99" N_ERR[$lk]+=" $WRK_ERRORS"
        total_errors=$((total_errors + WRK_ERRORS))
    done
done
# the bodies must not have changed under load (same answer, not an error page)
for lk in "${lookups[@]}"; do
    curl -sS -o "$tmp/after-$lk.body" "$server_base${L_PATH[$lk]}"
    cmp -s "$tmp/after-$lk.body" "$tmp/static/$lk.json" \
        || die "cryptoreg's answer to the $lk lookup changed during the run (a run across midnight in Beijing changes status_on)"
done

# --- 5. report --------------------------------------------------------------------
load_after=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A S_MED_RPS S_MED_P99 N_MED_RPS N_MED_P99 RATIO MEETS L_ERRORS
for lk in "${lookups[@]}"; do
    # shellcheck disable=SC2086  # the lists are space-separated numbers
    {
        S_MED_RPS[$lk]=$(median ${S_RPS[$lk]})
        N_MED_RPS[$lk]=$(median ${N_RPS[$lk]})
        S_MED_P99[$lk]=$(median ${S_P99[$lk]})
        N_MED_P99[$lk]=$(median ${N_P99[$lk]})
        L_ERRORS[$lk]=$(printf '%s\n' ${S_ERR[$lk]} ${N_ERR[$lk]} | awk '{ s += $1 } END { print s + 0 }')
    }
    RATIO[$lk]=$(awk -v a="${S_MED_RPS[$lk]}" -v b="${N_MED_RPS[$lk]}" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }')
    MEETS[$lk]=$(awk -v r="${RATIO[$lk]}" -v t="$TARGET" 'BEGIN { print (r >= t) ? "true" : "false" }')
done
valid=true
(( total_errors == 0 )) || valid=false

printf '\ncertificate lookup: cryptoreg GET /api/v1/certificates?q=... vs nginx static copies\n'
printf 'wrk -t%s -c%s -d%ss --latency, %s rounds, cryptoreg --threads %s, nginx worker_processes %s\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$SERVER_THREADS" "$SERVER_THREADS"
printf 'database: %s enterprises, %s certificates, %s MB; demo load took %ss\n' \
    "$count" "$cert_count" "$((db_bytes / 1000000))" "$demo_seconds"
for lk in "${lookups[@]}"; do
    read -r -a s_rps <<<"${S_RPS[$lk]}"; read -r -a n_rps <<<"${N_RPS[$lk]}"
    read -r -a s_p99 <<<"${S_P99[$lk]}"; read -r -a n_p99 <<<"${N_P99[$lk]}"
    read -r -a s_err <<<"${S_ERR[$lk]}"; read -r -a n_err <<<"${N_ERR[$lk]}"
    printf '\n%s: q=%s (%s bytes, %s certificate(s))\n' "$lk" "${L_Q[$lk]}" "${L_BYTES[$lk]}" "${L_ITEMS[$lk]}"
    printf '%-8s %16s %16s %14s %14s %8s\n' round "cryptoreg req/s" "nginx req/s" "cryptoreg p99" "nginx p99" errors
    for ((i = 0; i < ROUNDS; i++)); do
        printf '%-8s %16.1f %16.1f %11.3f ms %11.3f ms %8s\n' "$((i + 1))" "${s_rps[i]}" "${n_rps[i]}" \
            "${s_p99[i]}" "${n_p99[i]}" "$((s_err[i] + n_err[i]))"
    done
    printf '%-8s %16.1f %16.1f %11.3f ms %11.3f ms %8s\n' median "${S_MED_RPS[$lk]}" "${N_MED_RPS[$lk]}" \
        "${S_MED_P99[$lk]}" "${N_MED_P99[$lk]}" "${L_ERRORS[$lk]}"
done

printf '\nsummary (medians over %s rounds; ratio = cryptoreg/nginx req/s, target >= %s)\n' "$ROUNDS" "$TARGET"
printf '%-8s %8s %16s %16s %14s %14s %7s  %s\n' lookup bytes "cryptoreg req/s" "nginx req/s" "cryptoreg p99" "nginx p99" ratio target
for lk in "${lookups[@]}"; do
    printf '%-8s %8s %16.1f %16.1f %11.3f ms %11.3f ms %7s  %s\n' "$lk" "${L_BYTES[$lk]}" \
        "${S_MED_RPS[$lk]}" "${N_MED_RPS[$lk]}" "${S_MED_P99[$lk]}" "${N_MED_P99[$lk]}" "${RATIO[$lk]}" \
        "$([[ ${MEETS[$lk]} == true ]] && echo met || echo NOT met)"
done
printf '\nload average (1 min) before the run: %s (should be well under 1; the run itself raises it)\n' "$load_before"
[[ $valid == true ]] || printf 'INVALID RUN: wrk counted %s non-2xx responses or socket errors\n' "$total_errors"

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json=$OUT/certificate-lookup-$stamp.json
commit=$(git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
dirty=false
[[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || dirty=true
jarr() { local IFS=,; printf '[%s]' "$*"; }
jstr() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
{
    printf '{\n'
    printf '  "benchmark": "certificate-lookup",\n'
    printf '  "date": %s,\n' "$(jstr "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
    printf '  "git_commit": %s,\n  "git_dirty": %s,\n' "$(jstr "$commit")" "$dirty"
    printf '  "host": {"cpus": %s, "kernel": %s, "loadavg_before": %s, "loadavg_after": %s},\n' \
        "$(nproc)" "$(jstr "$(uname -sr)")" "$load_before" "$load_after"
    printf '  "tools": {"wrk": %s, "nginx": %s, "cryptoreg": %s},\n' \
        "$(jstr "$(wrk --version 2>&1 | head -n1 | awk '{print $2}')")" \
        "$(jstr "$("$NGINX" -v 2>&1 | sed 's/.*nginx\///')")" \
        "$(jstr "$("$BIN" version 2>/dev/null | head -n1 || true)")"
    printf '  "params": {"threads": %s, "connections": %s, "duration_s": %s, "rounds": %s, "warmup_s": %s, "server_threads": %s, "enterprises": %s, "certificates": %s},\n' \
        "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$WARMUP" "$SERVER_THREADS" "$ENTERPRISES" "$CERTIFICATES"
    printf '  "database": {"enterprises": %s, "certificates": %s, "bytes": %s, "demo_load_s": %s},\n' \
        "$count" "$cert_count" "$db_bytes" "$demo_seconds"
    printf '  "lookups": {\n'
    sep=,
    for lk in "${lookups[@]}"; do
        [[ $lk == "${lookups[-1]}" ]] && sep=
        # shellcheck disable=SC2086
        {
            printf '    "%s": {\n' "$lk"
            printf '      "request": {"path": %s, "q": %s, "certificates": %s, "body_bytes": %s, "cryptoreg_header_bytes": %s, "nginx_header_bytes": %s},\n' \
                "$(jstr "${L_PATH[$lk]}")" "$(jstr "${L_Q[$lk]}")" "${L_ITEMS[$lk]}" "${L_BYTES[$lk]}" "${L_SHDR[$lk]}" "${L_NHDR[$lk]}"
            printf '      "cryptoreg": {"rps": %s, "p99_ms": %s, "errors": %s, "median_rps": %s, "median_p99_ms": %s},\n' \
                "$(jarr ${S_RPS[$lk]})" "$(jarr ${S_P99[$lk]})" "$(jarr ${S_ERR[$lk]})" "${S_MED_RPS[$lk]}" "${S_MED_P99[$lk]}"
            printf '      "nginx": {"rps": %s, "p99_ms": %s, "errors": %s, "median_rps": %s, "median_p99_ms": %s},\n' \
                "$(jarr ${N_RPS[$lk]})" "$(jarr ${N_P99[$lk]})" "$(jarr ${N_ERR[$lk]})" "${N_MED_RPS[$lk]}" "${N_MED_P99[$lk]}"
            printf '      "ratio": %s,\n      "meets_target": %s\n' "${RATIO[$lk]}" "${MEETS[$lk]}"
            printf '    }%s\n' "$sep"
        }
    done
    printf '  },\n'
    printf '  "target": %s,\n  "valid": %s\n' "$TARGET" "$valid"
    printf '}\n'
} >"$json"
printf 'results: %s\n' "$json"

[[ $valid == true ]] || exit 1
