#!/usr/bin/env bash
# Purpose: measure cryptoreg's transparency log (docs/tlog.md) at 1,000,000
# entries, in one run:
#   1. integration: entries per second from appended to covered by a signed
#      checkpoint (`cryptoreg log integrate` over ENTRIES synthetic entries
#      written straight into log_entries), beside the raw SM3 hashing rate of
#      the same machine (`openssl speed -evp sm3` at 65-byte inputs, the size
#      of a node hash input, and at the leaf input size); plus the time of one
#      full `cryptoreg log audit`;
#   2. inclusion proofs: latency and rate of GET /api/v1/log/receipt?index=I
#      for random I, the answer cache off so that every proof is computed;
#   3. tiles: GET /log/tile/0/<N> (a full level-0 tile, 8192 bytes) and
#      GET /log/tile/entries/<N> (its entry bundle), with the answer cache on
#      and off, each against nginx serving a static file of the same bytes, the
#      servers alternating round by round.
# Reports per-round figures, medians, ratios and verdicts against the issue's
# targets (>= 100,000 entries/s, proofs under 1 ms, tiles at nginx's rate or
# better). Traffic goes to 127.0.0.1 only.
#
# Usage: bench/tlog.sh           (from anywhere in the repo)
# Environment (all optional):
#   CRYPTOREG_BIN  binary to use; if unset, build-release/cryptoreg is built
#                  (Release, no sanitizers, target cryptoreg only) or brought
#                  up to date first
#   ENTRIES        log entries (default 1000000; at least 512)
#   INTEGRATE_RUNS integrations timed, each from the same un-integrated
#                  database (default 3; the median is reported)
#   SM3_SECONDS    seconds per `openssl speed` measurement (default 3)
#   DURATION       seconds per wrk run (default 10)
#   ROUNDS         rounds of HTTP load (default 3)
#   THREADS        wrk threads (default 2)   CONNECTIONS  wrk connections (32)
#   SERVER_THREADS cryptoreg serve --threads and nginx worker_processes (2)
#   TILE_INDEX     the level-0 tile measured (default: the last full one,
#                  ENTRIES / 256 - 1, e.g. 3905 = x003/905 at 1,000,000)
#   WARMUP         seconds of unrecorded load on each server and URL first
#                  (default 2; 0 = none)
#   TARGET_RATE    entries/s to meet (default 100000)
#   TARGET_PROOF_MS  median receipt latency to stay under (default 1)
#   TARGET_TILES   minimum ratio cryptoreg/nginx for tiles (default 1.0)
#   OUT            directory for the JSON result (default build-release/bench)
#   NGINX          nginx binary (default /usr/sbin/nginx)
#   GNU_TIME       GNU time, for peak RSS (default /usr/bin/time; if missing,
#                  the run goes on without RSS figures)
#   KEEP_TMP=1     keep the temporary directory (logs, db, nginx conf)
# Exit status: 0 when the run was valid (whatever the verdicts; they are
# printed and in the JSON), 1 when something failed or wrk saw errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

default_settings
ENTRIES=${ENTRIES:-1000000}
INTEGRATE_RUNS=${INTEGRATE_RUNS:-3}
SM3_SECONDS=${SM3_SECONDS:-3}
TILE_INDEX=${TILE_INDEX:-}
TARGET_RATE=${TARGET_RATE:-100000}
TARGET_PROOF_MS=${TARGET_PROOF_MS:-1}
TARGET_TILES=${TARGET_TILES:-1.0}
GNU_TIME=${GNU_TIME:-/usr/bin/time}

cd "$repo"

require_tools "wrk curl sqlite3 openssl" wrk curl sqlite3 awk timeout openssl od cmp
# GNU time gives the peak RSS; without it the run goes on and records none
if [[ ! -x $GNU_TIME ]]; then
    log "warning: $GNU_TIME not found (Debian: apt-get install time); no peak RSS figures"
    GNU_TIME=
fi
require_nginx
require_whole_numbers ENTRIES INTEGRATE_RUNS SM3_SECONDS DURATION ROUNDS THREADS CONNECTIONS SERVER_THREADS WARMUP TARGET_RATE
for n in TARGET_PROOF_MS TARGET_TILES; do
    [[ ${!n} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$n must be a number, got '${!n}'"
done
(( DURATION > 0 && ROUNDS > 0 && INTEGRATE_RUNS > 0 && SM3_SECONDS > 0 )) \
    || die "DURATION, ROUNDS, INTEGRATE_RUNS and SM3_SECONDS must be > 0"
(( ENTRIES >= 512 )) || die "ENTRIES must be at least 512 (two full tiles)"
if [[ -z $TILE_INDEX ]]; then
    TILE_INDEX=$((ENTRIES / 256 - 1))
fi
[[ $TILE_INDEX =~ ^[0-9]+$ ]] || die "TILE_INDEX must be a whole number, got '$TILE_INDEX'"
(( (TILE_INDEX + 1) * 256 <= ENTRIES )) \
    || die "tile $TILE_INDEX is not full at $ENTRIES entries (full tiles: 0..$((ENTRIES / 256 - 1)))"

build_cryptoreg cryptoreg
make_tmp_dir

hexdump_of() { od -An -v -tx1 "$1" | tr -d ' \n'; } # file -> lowercase hex, one line
tile_number() { # index -> C2SP tlog-tiles <N>: 3-digit groups, all but the last with "x"
    local n=$1 out
    out=$(printf '%03d' $((n % 1000)))
    n=$((n / 1000))
    while ((n > 0)); do
        out=$(printf 'x%03d/%s' $((n % 1000)) "$out")
        n=$((n / 1000))
    done
    printf '%s' "$out"
}
timed() { # file cmd...: runs cmd under GNU time -v, which writes to file, if there is one
    local out=$1
    shift
    if [[ -n $GNU_TIME ]]; then "$GNU_TIME" -v -o "$out" "$@"; else : >"$out"; "$@"; fi
}
time_field() { # file field: the value of a field of GNU time -v's output, or "null"
    local v
    v=$(awk -F': ' -v f="$2" '{ k = $1; sub(/^[ \t]+/, "", k) } k == f { print $2 }' "$1")
    printf '%s' "${v:-null}"
}
mib() { awk -v k="$1" 'BEGIN { if (k == "null") print "-"; else printf "%.1f", k / 1024 }'; }

# --- 1. a database with ENTRIES log entries -------------------------------------
note_load_before
db=$tmp/db
pristine=$tmp/entries.db
log "tmp dir $tmp"
init_db "$db"
log "appending $ENTRIES synthetic entries with sqlite3 (one transaction)"
# Entries shaped like the ones log_record writes: canonical JSON (sorted keys,
# no spaces), a 64-hex record digest that differs per entry, about 160 bytes.
fill_start=$(now)
run_bg sqlite3 "$tmp/fill.log" sqlite3 "$db" "BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $ENTRIES)
INSERT INTO log_entries(idx, entry, kind, subject, created_at)
SELECT i, CAST(printf('{\"bureau\":\"110000\",\"kind\":\"bench\",\"record_sm3\":\"%016x%016x%016x%016x\",\"subject\":\"B%d\",\"time\":\"2026-11-21T00:00:00Z\"}',
                      i, i * 2654435761, i * 40503 + 7, i * 2246822519 + 13, i) AS BLOB),
       'bench', 'B' || i, '2026-11-21T00:00:00Z'
FROM n;
COMMIT;" || { cat "$tmp/fill.log" >&2; die "appending the entries failed"; }
fill_seconds=$(elapsed "$fill_start" "$(now)")
read -r count min_idx max_idx entry_avg <<<"$(sqlite3 -separator ' ' "$db" \
    "select count(*), min(idx), max(idx), round(avg(length(entry)), 1) from log_entries")"
[[ $count == "$ENTRIES" && $min_idx == 0 && $max_idx == $((ENTRIES - 1)) ]] \
    || die "expected entries 0..$((ENTRIES - 1)), the database holds $count ($min_idx..$max_idx)"
[[ $(sqlite3 "$db" "select count(*) from log_checkpoints") == 0 ]] || die "the fresh database already has a checkpoint"
log "$ENTRIES entries (average $entry_avg bytes) appended in ${fill_seconds}s"
# the un-integrated database, copied back before each timed integration
[[ ! -e $db-wal ]] || die "sqlite3 left $db-wal behind"
cp "$db" "$pristine"
bytes_before=$(stat -c %s "$db")

# --- 2. raw SM3 rate, openssl ---------------------------------------------------
# openssl speed -mr prints "+R:<count>:sm3:<seconds>"
sm3_rate() { # input bytes -> hashes/s
    local bytes=$1 line
    run_bg "openssl speed" "$tmp/sm3-$bytes.txt" openssl speed -mr -evp sm3 -bytes "$bytes" -seconds "$SM3_SECONDS" \
        || { cat "$tmp/sm3-$bytes.txt" >&2; die "openssl speed -evp sm3 failed"; }
    line=$(grep -m1 '^+R:' "$tmp/sm3-$bytes.txt") || { cat "$tmp/sm3-$bytes.txt" >&2; die "no +R: line in openssl's output"; }
    awk -F: '{ if ($4 <= 0) exit 1; printf "%.0f", $2 / $4 }' <<<"$line" || die "cannot parse '$line'"
}
leaf_bytes=$(awk -v a="$entry_avg" 'BEGIN { printf "%d", a + 1.5 }') # 0x00 || entry
log "raw SM3 rate: openssl speed -evp sm3, ${SM3_SECONDS}s at 65 bytes and at $leaf_bytes bytes"
sm3_node=$(sm3_rate 65)
sm3_leaf=$(sm3_rate "$leaf_bytes")
# Each entry costs one leaf hash and, on average, one node hash (a tree of N
# leaves has N - 1 inner nodes): the most integration could reach on one core
# if it did nothing but hash.
sm3_ceiling=$(awk -v n="$sm3_node" -v l="$sm3_leaf" 'BEGIN { printf "%.0f", 1 / (1 / n + 1 / l) }')
log "SM3: $sm3_node hashes/s at 65 bytes, $sm3_leaf at $leaf_bytes bytes; hashing alone: $sm3_ceiling entries/s"

# --- 3. integration, audit ----------------------------------------------------------
I_SECS='' I_RATE='' I_RSS='' I_USER='' I_SYS=''
expected_hashes=$(awk -v n="$ENTRIES" 'BEGIN { p = 0; m = n; while (m > 0) { p += m % 2; m = int(m / 2) } print 2 * n - p }')
for ((r = 1; r <= INTEGRATE_RUNS; r++)); do
    rm -f "$db-wal" "$db-shm"
    cp "$pristine" "$db"
    log "integration $r/$INTEGRATE_RUNS: cryptoreg log integrate over $ENTRIES entries"
    t0=$(now)
    run_bg "cryptoreg log integrate" "$tmp/integrate-$r.txt" timed "$tmp/integrate-$r.time" "$BIN" --db "$db" log integrate \
        || { cat "$tmp/integrate-$r.txt" >&2; die "cryptoreg log integrate failed"; }
    secs=$(elapsed "$t0" "$(now)")
    grep -q "size is $ENTRIES\$" "$tmp/integrate-$r.txt" \
        || { cat "$tmp/integrate-$r.txt" >&2; die "cryptoreg log integrate did not report size $ENTRIES"; }
    size=$(sqlite3 "$db" "select max(size) from log_checkpoints")
    hashes=$(sqlite3 "$db" "select count(*) from log_hashes")
    [[ $size == "$ENTRIES" ]] || die "the latest checkpoint has size '$size', expected $ENTRIES"
    [[ $hashes == "$expected_hashes" ]] || die "log_hashes holds $hashes node hashes, expected $expected_hashes"
    rate=$(awk -v n="$ENTRIES" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    rss=$(time_field "$tmp/integrate-$r.time" 'Maximum resident set size (kbytes)')
    usr=$(time_field "$tmp/integrate-$r.time" 'User time (seconds)')
    sys=$(time_field "$tmp/integrate-$r.time" 'System time (seconds)')
    [[ -z $GNU_TIME || ( $rss != null && $usr != null && $sys != null ) ]] \
        || { cat "$tmp/integrate-$r.time" >&2; die "cannot parse $GNU_TIME -v output"; }
    log "integration $r: ${secs}s, $rate entries/s, peak RSS $(mib "$rss") MiB"
    I_SECS+=" $secs" I_RATE+=" $rate" I_RSS+=" $rss" I_USER+=" $usr" I_SYS+=" $sys"
done
bytes_after=$(stat -c %s "$db")
checkpoint_note=$(sqlite3 "$db" "select note from log_checkpoints where size = $ENTRIES")
[[ $(sed -n 2p <<<"$checkpoint_note") == "$ENTRIES" ]] || die "the checkpoint does not say size $ENTRIES: $checkpoint_note"

log "audit: cryptoreg log audit (re-hashes every entry)"
t0=$(now)
run_bg "cryptoreg log audit" "$tmp/audit.json" timed "$tmp/audit.time" "$BIN" --db "$db" log audit --json \
    || { cat "$tmp/audit.json" >&2; die "cryptoreg log audit failed or found the log inconsistent"; }
audit_secs=$(elapsed "$t0" "$(now)")
grep -q '"ok": true' "$tmp/audit.json" || { cat "$tmp/audit.json" >&2; die "the audit did not report ok"; }
grep -q "\"entries\": $ENTRIES" "$tmp/audit.json" || { cat "$tmp/audit.json" >&2; die "the audit did not see $ENTRIES entries"; }
audit_rss=$(time_field "$tmp/audit.time" 'Maximum resident set size (kbytes)')
audit_rate=$(awk -v n="$ENTRIES" -v s="$audit_secs" 'BEGIN { printf "%.0f", n / s }')
log "audit: ${audit_secs}s ($audit_rate entries/s), consistent"

# --- 4. the servers ---------------------------------------------------------------------
key=$("$BIN" --db "$db" log key) || die "cryptoreg log key failed"
port_nc=$(pick_port)
start_cryptoreg "cryptoreg (cache off)" "$db" server-nocache.log "$port_nc" CRYPTOREG_LOG_REQUESTS=0 CRYPTOREG_ANSWER_CACHE=0
nocache_pid=$started_pid
port_c=$(pick_port "$port_nc")
start_cryptoreg "cryptoreg (cache on)" "$db" server-cache.log "$port_c" CRYPTOREG_LOG_REQUESTS=0
cache_pid=$started_pid
nc_base=http://127.0.0.1:$port_nc
c_base=http://127.0.0.1:$port_c
wait_http "$nc_base/log/checkpoint" "$nocache_pid" "cryptoreg (cache off)"
wait_http "$c_base/log/checkpoint" "$cache_pid" "cryptoreg (cache on)"
log "cryptoreg (answer cache off) pid $nocache_pid on 127.0.0.1:$port_nc"
log "cryptoreg (answer cache on) pid $cache_pid on 127.0.0.1:$port_c"

# a receipt, checked offline
probe=$((ENTRIES / 2 + 12345 % (ENTRIES / 2)))
code=$(curl -sS -o "$tmp/receipt.txt" -w '%{http_code}' "$nc_base/api/v1/log/receipt?index=$probe")
[[ $code == 200 ]] || die "GET /api/v1/log/receipt?index=$probe answered $code: $(head -c 500 "$tmp/receipt.txt")"
[[ $(head -n1 "$tmp/receipt.txt") == c2sp.org/tlog-proof@v1 ]] || die "the receipt does not start with c2sp.org/tlog-proof@v1: $(head -c 300 "$tmp/receipt.txt")"
grep -qx "index $probe" "$tmp/receipt.txt" || die "the receipt does not name index $probe"
"$BIN" log verify-receipt "$tmp/receipt.txt" --key "$key" >"$tmp/verify.txt" 2>&1 \
    || { cat "$tmp/verify.txt" >&2; die "cryptoreg log verify-receipt rejected the receipt of index $probe"; }
grep -q "^verified: .* size $ENTRIES," "$tmp/verify.txt" || { cat "$tmp/verify.txt" >&2; die "unexpected verify-receipt output"; }
grep -qF "\"subject\": \"B$probe\"" "$tmp/verify.txt" || { cat "$tmp/verify.txt" >&2; die "the receipt proves another entry than $probe"; }
receipt_bytes=$(wc -c <"$tmp/receipt.txt")
curl -sS -o "$tmp/receipt-cache.txt" "$c_base/api/v1/log/receipt?index=$probe"
cmp -s "$tmp/receipt.txt" "$tmp/receipt-cache.txt" || die "the two cryptoreg servers give different receipts"
log "receipt of index $probe: $receipt_bytes bytes, verified offline by cryptoreg log verify-receipt"

# the tile and its entry bundle, checked against the database and openssl
tile_n=$(tile_number "$TILE_INDEX")
first=$((TILE_INDEX * 256))
declare -A T_PATH T_BYTES T_CHDR T_NHDR
targets=(tile entries)
T_PATH[tile]=/log/tile/0/$tile_n
T_PATH[entries]=/log/tile/entries/$tile_n
mkdir -p "$tmp/static/log/tile/0" "$tmp/static/log/tile/entries"
for t in "${targets[@]}"; do
    body=$tmp/static${T_PATH[$t]}
    mkdir -p "$(dirname "$body")"
    code=$(curl -sS -o "$body" -D "$tmp/server-$t.headers" -w '%{http_code}' "$nc_base${T_PATH[$t]}")
    [[ $code == 200 ]] || die "GET ${T_PATH[$t]} answered $code: $(head -c 300 "$body")"
    grep -qi '^cache-control: .*immutable' "$tmp/server-$t.headers" || die "GET ${T_PATH[$t]} is not marked immutable"
    curl -sS -o "$tmp/cache-$t.body" -D "$tmp/cache-$t.headers" "$c_base${T_PATH[$t]}"
    cmp -s "$body" "$tmp/cache-$t.body" || die "the two cryptoreg servers give different bodies for ${T_PATH[$t]}"
    T_BYTES[$t]=$(wc -c <"$body")
    T_CHDR[$t]=$(wc -c <"$tmp/server-$t.headers")
done
[[ ${T_BYTES[tile]} == 8192 ]] || die "the tile ${T_PATH[tile]} has ${T_BYTES[tile]} bytes, expected 8192"
# the tile holds the stored level-0 hashes first..first+255, in order
want=$(sqlite3 "$db" "select lower(group_concat(h, '')) from (select hex(hash) as h from log_hashes
                      where level = 0 and idx >= $first and idx < $((first + 256)) order by idx)")
[[ $(hexdump_of "$tmp/static${T_PATH[tile]}") == "$want" ]] || die "the tile is not the stored hashes $first..$((first + 255))"
# its first hash is SM3(0x00 || entry), computed by openssl
sqlite3 "$db" "select writefile('$tmp/leaf.bin', X'00' || entry) from log_entries where idx = $first" >/dev/null
openssl dgst -sm3 -binary "$tmp/leaf.bin" >"$tmp/leaf.sm3"
[[ $(hexdump_of "$tmp/leaf.sm3") == "${want:0:64}" ]] || die "the tile's first hash is not SM3(0x00 || entry $first) as openssl computes it"
# the bundle is the 256 entries, each after its big-endian 16-bit length
want=$(sqlite3 "$db" "select lower(group_concat(b, '')) from (select printf('%04X', length(entry)) || hex(entry) as b
                      from log_entries where idx >= $first and idx < $((first + 256)) order by idx)")
[[ $(hexdump_of "$tmp/static${T_PATH[entries]}") == "$want" ]] || die "the entry bundle is not entries $first..$((first + 255))"
log "tile ${T_PATH[tile]}: 8192 bytes, the stored hashes, first one checked with openssl dgst -sm3"
log "bundle ${T_PATH[entries]}: ${T_BYTES[entries]} bytes, entries $first..$((first + 255))"

# nginx serving the same bytes
port_n=$(pick_port "$port_nc" "$port_c")
n_base=http://127.0.0.1:$port_n
start_nginx "$port_n" "${T_PATH[tile]}" application/octet-stream
for t in "${targets[@]}"; do
    curl -sS -o "$tmp/nginx-$t.body" -D "$tmp/nginx-$t.headers" "$n_base${T_PATH[$t]}"
    cmp -s "$tmp/nginx-$t.body" "$tmp/static${T_PATH[$t]}" || die "nginx does not serve the same bytes for ${T_PATH[$t]}"
    T_NHDR[$t]=$(wc -c <"$tmp/nginx-$t.headers")
done

# --- 5. load ---------------------------------------------------------------------------
# a random index in 0..ENTRIES-1 per request, seeded per wrk thread
cat >"$tmp/receipt.lua" <<'EOF'
local n = 1
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
function init(args)
    n = tonumber(args[1])
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end
function request()
    return wrk.format("GET", "/api/v1/log/receipt?index=" .. math.random(0, n - 1))
end
EOF

# The measurements: name, base URL, path, wrk threads, connections, Lua script.
# receipts: one connection (the latency of one proof) and full load (the rate).
runs=(rcpt1 rcptN tile_nc tile_c tile_n entries_nc entries_c entries_n)
declare -A R_URL R_THR R_CON R_LUA R_LABEL
R_URL[rcpt1]=$nc_base/api/v1/log/receipt R_THR[rcpt1]=1 R_CON[rcpt1]=1 R_LUA[rcpt1]=$tmp/receipt.lua
R_URL[rcptN]=$nc_base/api/v1/log/receipt R_THR[rcptN]=$THREADS R_CON[rcptN]=$CONNECTIONS R_LUA[rcptN]=$tmp/receipt.lua
R_LABEL[rcpt1]="receipts, cache off, 1 connection"
R_LABEL[rcptN]="receipts, cache off, $CONNECTIONS connections"
for t in "${targets[@]}"; do
    R_URL[${t}_nc]=$nc_base${T_PATH[$t]} R_URL[${t}_c]=$c_base${T_PATH[$t]} R_URL[${t}_n]=$n_base${T_PATH[$t]}
    R_LABEL[${t}_nc]="$t, cryptoreg cache off" R_LABEL[${t}_c]="$t, cryptoreg cache on" R_LABEL[${t}_n]="$t, nginx"
    for s in nc c n; do
        R_THR[${t}_$s]=$THREADS R_CON[${t}_$s]=$CONNECTIONS R_LUA[${t}_$s]=
    done
done

if (( WARMUP > 0 )); then
    log "warm-up ${WARMUP}s each"
    for k in "${runs[@]}"; do
        run_wrk "${R_LABEL[$k]}" "${R_URL[$k]}" "$WARMUP" "$tmp/warmup-$k.txt" "${R_THR[$k]}" "${R_CON[$k]}" "${R_LUA[$k]}" "$ENTRIES"
    done
fi

for ((r = 1; r <= ROUNDS; r++)); do
    for k in "${runs[@]}"; do
        log "round $r/$ROUNDS: ${R_LABEL[$k]}, ${DURATION}s"
        run_wrk "${R_LABEL[$k]}" "${R_URL[$k]}" "$DURATION" "$tmp/round$r-$k.txt" "${R_THR[$k]}" "${R_CON[$k]}" "${R_LUA[$k]}" "$ENTRIES"
        record_run "$k"
        kill -0 "$nocache_pid" 2>/dev/null || die "cryptoreg (cache off) died during the run"
        kill -0 "$cache_pid" 2>/dev/null || die "cryptoreg (cache on) died during the run"
    done
done
# the answers must not have changed under load
curl -sS -o "$tmp/after-receipt.txt" "$nc_base/api/v1/log/receipt?index=$probe"
cmp -s "$tmp/after-receipt.txt" "$tmp/receipt.txt" || die "the receipt of index $probe changed during the run"
for t in "${targets[@]}"; do
    for base in "$nc_base" "$c_base"; do
        curl -sS -o "$tmp/after-$t.body" "$base${T_PATH[$t]}"
        cmp -s "$tmp/after-$t.body" "$tmp/static${T_PATH[$t]}" || die "$base${T_PATH[$t]} changed during the run"
    done
done

# --- 6. report --------------------------------------------------------------------
note_load_after
i_med_secs=$(median_list "$I_SECS")
i_med_rate=$(median_list "$I_RATE")
i_med_rss=null
[[ -z $GNU_TIME ]] || i_med_rss=$(median_list "$I_RSS")
i_meets=$(at_least "$i_med_rate" "$TARGET_RATE")
i_vs_node=$(ratio "$i_med_rate" "$sm3_node")
i_vs_ceiling=$(ratio "$i_med_rate" "$sm3_ceiling")
summarize_runs "${runs[@]}"
p_meets=$(awk -v p="${MED_P50[rcpt1]}" -v t="$TARGET_PROOF_MS" 'BEGIN { print (p < t) ? "true" : "false" }')
declare -A RATIO_C RATIO_NC MEETS_C MEETS_NC
for t in "${targets[@]}"; do
    RATIO_C[$t]=$(ratio "${MED_RPS[${t}_c]}" "${MED_RPS[${t}_n]}")
    RATIO_NC[$t]=$(ratio "${MED_RPS[${t}_nc]}" "${MED_RPS[${t}_n]}")
    MEETS_C[$t]=$(at_least "${RATIO_C[$t]}" "$TARGET_TILES")
    MEETS_NC[$t]=$(at_least "${RATIO_NC[$t]}" "$TARGET_TILES")
done
valid=$(run_valid)

printf '\ntransparency log at %s entries (average entry %s bytes), %s cores\n' "$ENTRIES" "$entry_avg" "$(nproc)"
printf 'database: %s MB before integration, %s MB after (%s node hashes stored); entries appended in %ss\n' \
    "$((bytes_before / 1000000))" "$((bytes_after / 1000000))" "$expected_hashes" "$fill_seconds"

printf '\n1. integration: cryptoreg log integrate, %s entries -> one signed checkpoint\n' "$ENTRIES"
printf '%-8s %10s %14s %14s %10s %10s\n' run seconds "entries/s" "peak RSS MiB" "user s" "sys s"
read -r -a a_s <<<"$I_SECS"; read -r -a a_r <<<"$I_RATE"; read -r -a a_m <<<"$I_RSS"
read -r -a a_u <<<"$I_USER"; read -r -a a_y <<<"$I_SYS"
for ((i = 0; i < INTEGRATE_RUNS; i++)); do
    printf '%-8s %10.3f %14s %14s %10s %10s\n' "$((i + 1))" "${a_s[i]}" "${a_r[i]}" \
        "$(mib "${a_m[i]}")" "${a_u[i]/null/-}" "${a_y[i]/null/-}"
done
printf '%-8s %10.3f %14.0f %14s\n' median "$i_med_secs" "$i_med_rate" "$(mib "$i_med_rss")"
printf 'raw SM3 (openssl speed -evp sm3, one core): %s hashes/s at 65 bytes (a node), %s at %s bytes (a leaf)\n' \
    "$sm3_node" "$sm3_leaf" "$leaf_bytes"
printf 'hashing alone (1 leaf + 1 node per entry) would allow %s entries/s on one core\n' "$sm3_ceiling"
printf 'integration / node hash rate: %s; integration / hashing-alone rate: %s\n' "$i_vs_node" "$i_vs_ceiling"
printf 'target >= %s entries/s: %s (%.0f entries/s)\n' "$TARGET_RATE" "$(verdict "$i_meets")" "$i_med_rate"
printf 'audit: cryptoreg log audit, %ss (%s entries/s), peak RSS %s MiB, consistent\n' \
    "$audit_secs" "$audit_rate" "$(mib "$audit_rss")"

printf '\n2. inclusion proofs: GET /api/v1/log/receipt?index=<random>, answer cache off (%s bytes each)\n' "$receipt_bytes"
printf '%-8s %24s %24s\n' "" "1 connection (wrk -t1 -c1)" "wrk -t$THREADS -c$CONNECTIONS"
printf '%-8s %8s %7s %7s %8s %7s %7s %7s\n' round "req/s" "p50 ms" "p99 ms" "req/s" "p50 ms" "p99 ms" errors
read -r -a r1 <<<"${M_RPS[rcpt1]}"; read -r -a l1 <<<"${M_P50[rcpt1]}"; read -r -a t1 <<<"${M_P99[rcpt1]}"; read -r -a e1 <<<"${M_ERR[rcpt1]}"
read -r -a rN <<<"${M_RPS[rcptN]}"; read -r -a lN <<<"${M_P50[rcptN]}"; read -r -a tN <<<"${M_P99[rcptN]}"; read -r -a eN <<<"${M_ERR[rcptN]}"
for ((i = 0; i < ROUNDS; i++)); do
    printf '%-8s %8.1f %7.3f %7.3f %8.1f %7.3f %7.3f %7s\n' "$((i + 1))" "${r1[i]}" "${l1[i]}" "${t1[i]}" \
        "${rN[i]}" "${lN[i]}" "${tN[i]}" "$((e1[i] + eN[i]))"
done
printf '%-8s %8.1f %7.3f %7.3f %8.1f %7.3f %7.3f %7s\n' median "${MED_RPS[rcpt1]}" "${MED_P50[rcpt1]}" "${MED_P99[rcpt1]}" \
    "${MED_RPS[rcptN]}" "${MED_P50[rcptN]}" "${MED_P99[rcptN]}" "$((SUM_ERR[rcpt1] + SUM_ERR[rcptN]))"
printf 'target: a proof under %s ms (median latency, one connection): %s\n' "$TARGET_PROOF_MS" "$(verdict "$p_meets")"

printf '\n3. tiles beside nginx (wrk -t%s -c%s -d%ss, %s rounds)\n' "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS"
for t in "${targets[@]}"; do
    read -r -a rc_ <<<"${M_RPS[${t}_c]}"; read -r -a rnc <<<"${M_RPS[${t}_nc]}"; read -r -a rn <<<"${M_RPS[${t}_n]}"
    read -r -a pc <<<"${M_P99[${t}_c]}"; read -r -a pnc <<<"${M_P99[${t}_nc]}"; read -r -a pn <<<"${M_P99[${t}_n]}"
    read -r -a ec <<<"${M_ERR[${t}_c]}"; read -r -a enc <<<"${M_ERR[${t}_nc]}"; read -r -a en <<<"${M_ERR[${t}_n]}"
    printf '\n%s: %s (%s bytes)\n' "$t" "${T_PATH[$t]}" "${T_BYTES[$t]}"
    printf '%-8s %14s %14s %12s %11s %11s %11s %7s\n' round "cache on req/s" "cache off" "nginx" "p99 on" "p99 off" "p99 nginx" errors
    for ((i = 0; i < ROUNDS; i++)); do
        printf '%-8s %14.1f %14.1f %12.1f %8.3f ms %8.3f ms %8.3f ms %7s\n' "$((i + 1))" "${rc_[i]}" "${rnc[i]}" "${rn[i]}" \
            "${pc[i]}" "${pnc[i]}" "${pn[i]}" "$((ec[i] + enc[i] + en[i]))"
    done
    printf '%-8s %14.1f %14.1f %12.1f %8.3f ms %8.3f ms %8.3f ms %7s\n' median "${MED_RPS[${t}_c]}" "${MED_RPS[${t}_nc]}" \
        "${MED_RPS[${t}_n]}" "${MED_P99[${t}_c]}" "${MED_P99[${t}_nc]}" "${MED_P99[${t}_n]}" \
        "$((SUM_ERR[${t}_c] + SUM_ERR[${t}_nc] + SUM_ERR[${t}_n]))"
done

printf '\nsummary\n'
printf '%-44s %14s  %s\n' measure value "target"
printf '%-44s %14.0f  >= %s: %s\n' "integration, entries/s (median)" "$i_med_rate" "$TARGET_RATE" "$(verdict "$i_meets")"
printf '%-44s %14s\n' "  / raw SM3 node hashes/s" "$i_vs_node"
printf '%-44s %14s\n' "  / hashing-alone entries/s" "$i_vs_ceiling"
printf '%-44s %14s\n' "audit, seconds" "$audit_secs"
printf '%-44s %14.3f  < %s ms: %s\n' "receipt latency p50, 1 connection, ms" "${MED_P50[rcpt1]}" "$TARGET_PROOF_MS" "$(verdict "$p_meets")"
printf '%-44s %14.3f\n' "receipt latency p99, 1 connection, ms" "${MED_P99[rcpt1]}"
printf '%-44s %14.1f\n' "receipts/s, $CONNECTIONS connections" "${MED_RPS[rcptN]}"
for t in "${targets[@]}"; do
    printf '%-44s %14s  >= %s: %s\n' "$t/nginx req/s, cache on" "${RATIO_C[$t]}" "$TARGET_TILES" "$(verdict "${MEETS_C[$t]}")"
    printf '%-44s %14s  >= %s: %s\n' "$t/nginx req/s, cache off" "${RATIO_NC[$t]}" "$TARGET_TILES" "$(verdict "${MEETS_NC[$t]}")"
done
printf '\n'
print_run_notes

json=$(json_path tlog)
{
    json_head tlog wrk nginx openssl sqlite3 cryptoreg
    printf '  "params": {"entries": %s, "integrate_runs": %s, "sm3_seconds": %s, "threads": %s, "connections": %s, "duration_s": %s, "rounds": %s, "warmup_s": %s, "server_threads": %s, "tile_index": %s},\n' \
        "$ENTRIES" "$INTEGRATE_RUNS" "$SM3_SECONDS" "$THREADS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$WARMUP" "$SERVER_THREADS" "$TILE_INDEX"
    printf '  "database": {"entries": %s, "entry_bytes_avg": %s, "append_s": %s, "bytes_before_integration": %s, "bytes_after_integration": %s, "node_hashes": %s},\n' \
        "$count" "$entry_avg" "$fill_seconds" "$bytes_before" "$bytes_after" "$expected_hashes"
    printf '  "integration": {"seconds": %s, "entries_per_s": %s, "max_rss_kb": %s, "user_s": %s, "sys_s": %s, "median_s": %s, "median_entries_per_s": %s, "median_max_rss_kb": %s, "target_entries_per_s": %s, "meets_target": %s},\n' \
        "$(jlist "$I_SECS")" "$(jlist "$I_RATE")" "$(jlist "$I_RSS")" "$(jlist "$I_USER")" "$(jlist "$I_SYS")" \
        "$i_med_secs" "$i_med_rate" "$i_med_rss" "$TARGET_RATE" "$i_meets"
    printf '  "sm3": {"node_input_bytes": 65, "node_hashes_per_s": %s, "leaf_input_bytes": %s, "leaf_hashes_per_s": %s, "hashing_alone_entries_per_s": %s, "integration_over_node_rate": %s, "integration_over_hashing_alone": %s},\n' \
        "$sm3_node" "$leaf_bytes" "$sm3_leaf" "$sm3_ceiling" "$i_vs_node" "$i_vs_ceiling"
    printf '  "audit": {"seconds": %s, "entries_per_s": %s, "max_rss_kb": %s, "ok": true},\n' \
        "$audit_secs" "$audit_rate" "$audit_rss"
    printf '  "receipts": {\n'
    printf '    "request": {"path": "/api/v1/log/receipt?index=<random>", "answer_cache": false, "body_bytes": %s, "checked_index": %s, "verified_offline": true},\n' \
        "$receipt_bytes" "$probe"
    printf '    "one_connection": %s,\n' "$(json_runs rcpt1 p50)"
    printf '    "loaded": %s,\n' "$(json_runs rcptN p50)"
    printf '    "target_ms": %s,\n    "meets_target": %s\n  },\n' "$TARGET_PROOF_MS" "$p_meets"
    printf '  "tiles": {\n'
    sep=,
    for t in "${targets[@]}"; do
        [[ $t == "${targets[-1]}" ]] && sep=
        printf '    "%s": {\n' "$t"
        printf '      "request": {"path": %s, "body_bytes": %s, "cryptoreg_header_bytes": %s, "nginx_header_bytes": %s},\n' \
            "$(jstr "${T_PATH[$t]}")" "${T_BYTES[$t]}" "${T_CHDR[$t]}" "${T_NHDR[$t]}"
        printf '      "cryptoreg_cache_on": %s,\n' "$(json_runs "${t}_c" p50)"
        printf '      "cryptoreg_cache_off": %s,\n' "$(json_runs "${t}_nc" p50)"
        printf '      "nginx": %s,\n' "$(json_runs "${t}_n" p50)"
        printf '      "ratio_cache_on": %s,\n      "ratio_cache_off": %s,\n' "${RATIO_C[$t]}" "${RATIO_NC[$t]}"
        printf '      "meets_target_cache_on": %s,\n      "meets_target_cache_off": %s\n' "${MEETS_C[$t]}" "${MEETS_NC[$t]}"
        printf '    }%s\n' "$sep"
    done
    printf '  },\n'
    printf '  "target_tiles_ratio": %s,\n  "valid": %s\n' "$TARGET_TILES" "$valid"
    printf '}\n'
} >"$json"
printf 'results: %s\n' "$json"

[[ $valid == true ]] || exit 1
