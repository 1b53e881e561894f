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
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

default_settings
ENTERPRISES=${ENTERPRISES:-10000}
CERTIFICATES=${CERTIFICATES:-100000}
NAME_QUERY=${NAME_QUERY:-}
TARGET=${TARGET:-0.5}

cd "$repo"

require_tools "wrk curl sqlite3" wrk curl sqlite3 awk timeout
require_nginx
require_whole_numbers DURATION ROUNDS THREADS CONNECTIONS SERVER_THREADS ENTERPRISES CERTIFICATES WARMUP
(( DURATION > 0 && ROUNDS > 0 )) || die "DURATION and ROUNDS must be > 0"
(( CERTIFICATES >= 2 )) || die "CERTIFICATES must be at least 2"

build_cryptoreg cryptoreg
make_tmp_dir

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
note_load_before
db=$tmp/db
log "tmp dir $tmp"
init_db "$db"
log "loading $ENTERPRISES demo enterprises and $CERTIFICATES certificates (about a minute)"
demo_start=$(now)
load_demo "$db" --enterprises "$ENTERPRISES" --certificates "$CERTIFICATES"
demo_seconds=$(elapsed "$demo_start" "$(now)" 1)
log "demo data loaded in ${demo_seconds}s"
check_enterprises "$db" "$ENTERPRISES"
# the demo also issues a few certificates of its own (every status, legacy documents)
cert_count=$(sqlite3 "$db" "select count(*) from certificates where legacy = 0")
if ! [[ $cert_count =~ ^[0-9]+$ ]] || (( cert_count < CERTIFICATES )); then
    die "expected at least $CERTIFICATES certificates in the database, found '$cert_count'"
fi
db_bytes=$(stat -c %s "$db")

start_lookup_server "$db"

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
nginx_base=http://127.0.0.1:$port2
start_nginx "$port2" /number.json application/json utf-8
for lk in "${lookups[@]}"; do
    curl -sS -o "$tmp/nginx-$lk.body" -D "$tmp/nginx-$lk.headers" "$nginx_base/$lk.json"
    cmp -s "$tmp/nginx-$lk.body" "$tmp/static/$lk.json" || die "nginx does not serve the same body for $lk"
    L_NHDR[$lk]=$(wc -c <"$tmp/nginx-$lk.headers")
done

# --- 4. load ----------------------------------------------------------------------
if (( WARMUP > 0 )); then
    log "warm-up ${WARMUP}s each"
    for lk in "${lookups[@]}"; do
        run_wrk "cryptoreg ($lk)" "$server_base${L_PATH[$lk]}" "$WARMUP" "$tmp/warmup-$lk-server.txt"
        run_wrk "nginx ($lk)" "$nginx_base/$lk.json" "$WARMUP" "$tmp/warmup-$lk-nginx.txt"
    done
fi

# per lookup, two keys of recorded runs: <lookup>_cryptoreg and <lookup>_nginx
for ((r = 1; r <= ROUNDS; r++)); do
    for lk in "${lookups[@]}"; do
        log "round $r/$ROUNDS, $lk: cryptoreg ${DURATION}s"
        run_wrk "cryptoreg ($lk)" "$server_base${L_PATH[$lk]}" "$DURATION" "$tmp/round$r-$lk-server.txt"
        record_run "${lk}_cryptoreg"
        kill -0 "$server_pid" 2>/dev/null || die "cryptoreg died during the run"
        log "round $r/$ROUNDS, $lk: nginx ${DURATION}s"
        run_wrk "nginx ($lk)" "$nginx_base/$lk.json" "$DURATION" "$tmp/round$r-$lk-nginx.txt"
        record_run "${lk}_nginx"
    done
done
# the bodies must not have changed under load (same answer, not an error page)
for lk in "${lookups[@]}"; do
    curl -sS -o "$tmp/after-$lk.body" "$server_base${L_PATH[$lk]}"
    cmp -s "$tmp/after-$lk.body" "$tmp/static/$lk.json" \
        || die "cryptoreg's answer to the $lk lookup changed during the run (a run across midnight in Beijing changes status_on)"
done

# --- 5. report --------------------------------------------------------------------
note_load_after
declare -A RATIO MEETS
for lk in "${lookups[@]}"; do
    summarize_runs "${lk}_cryptoreg" "${lk}_nginx"
    RATIO[$lk]=$(ratio "${MED_RPS[${lk}_cryptoreg]}" "${MED_RPS[${lk}_nginx]}")
    MEETS[$lk]=$(at_least "${RATIO[$lk]}" "$TARGET")
done
valid=$(run_valid)

printf '\ncertificate lookup: cryptoreg GET /api/v1/certificates?q=... vs nginx static copies\n'
printf 'wrk -t%s -c%s -d%ss --latency, %s rounds, cryptoreg --threads %s, nginx worker_processes %s\n' \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$SERVER_THREADS" "$SERVER_THREADS"
printf 'database: %s enterprises, %s certificates, %s MB; demo load took %ss\n' \
    "$count" "$cert_count" "$((db_bytes / 1000000))" "$demo_seconds"
for lk in "${lookups[@]}"; do
    printf '\n%s: q=%s (%s bytes, %s certificate(s))\n' "$lk" "${L_Q[$lk]}" "${L_BYTES[$lk]}" "${L_ITEMS[$lk]}"
    print_pair_table "${lk}_cryptoreg" "${lk}_nginx"
done

printf '\nsummary (medians over %s rounds; ratio = cryptoreg/nginx req/s, target >= %s)\n' "$ROUNDS" "$TARGET"
printf '%-8s %8s %16s %16s %14s %14s %7s  %s\n' lookup bytes "cryptoreg req/s" "nginx req/s" "cryptoreg p99" "nginx p99" ratio target
for lk in "${lookups[@]}"; do
    printf '%-8s %8s %16.1f %16.1f %11.3f ms %11.3f ms %7s  %s\n' "$lk" "${L_BYTES[$lk]}" \
        "${MED_RPS[${lk}_cryptoreg]}" "${MED_RPS[${lk}_nginx]}" "${MED_P99[${lk}_cryptoreg]}" "${MED_P99[${lk}_nginx]}" \
        "${RATIO[$lk]}" "$(verdict "${MEETS[$lk]}")"
done
printf '\n'
print_run_notes

json=$(json_path certificate-lookup)
{
    json_head certificate-lookup wrk nginx cryptoreg
    printf '  "params": {"threads": %s, "connections": %s, "duration_s": %s, "rounds": %s, "warmup_s": %s, "server_threads": %s, "enterprises": %s, "certificates": %s},\n' \
        "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$WARMUP" "$SERVER_THREADS" "$ENTERPRISES" "$CERTIFICATES"
    printf '  "database": {"enterprises": %s, "certificates": %s, "bytes": %s, "demo_load_s": %s},\n' \
        "$count" "$cert_count" "$db_bytes" "$demo_seconds"
    printf '  "lookups": {\n'
    sep=,
    for lk in "${lookups[@]}"; do
        [[ $lk == "${lookups[-1]}" ]] && sep=
        printf '    "%s": {\n' "$lk"
        printf '      "request": {"path": %s, "q": %s, "certificates": %s, "body_bytes": %s, "cryptoreg_header_bytes": %s, "nginx_header_bytes": %s},\n' \
            "$(jstr "${L_PATH[$lk]}")" "$(jstr "${L_Q[$lk]}")" "${L_ITEMS[$lk]}" "${L_BYTES[$lk]}" "${L_SHDR[$lk]}" "${L_NHDR[$lk]}"
        printf '      "cryptoreg": %s,\n' "$(json_runs "${lk}_cryptoreg")"
        printf '      "nginx": %s,\n' "$(json_runs "${lk}_nginx")"
        printf '      "ratio": %s,\n      "meets_target": %s\n' "${RATIO[$lk]}" "${MEETS[$lk]}"
        printf '    }%s\n' "$sep"
    done
    printf '  },\n'
    printf '  "target": %s,\n  "valid": %s\n' "$TARGET" "$valid"
    printf '}\n'
} >"$json"
printf 'results: %s\n' "$json"

[[ $valid == true ]] || exit 1
