#!/usr/bin/env bash
# Purpose: measure the streamed upload of an annual sales filing (issue 5),
# POST /api/v1/filings/years/{year} with a 1,000,000-line CSV file, in one run:
#   - the upload's rate in lines per second (the whole HTTP request, as curl
#     times it: sending the body, decoding, checking every line, sealing the
#     personal data, storing the lines, answering), over RUNS uploads of
#     different files, each to its own year while the demo certificates allow;
#   - the server's peak resident memory: VmHWM of a server started fresh for
#     the run, read before the first upload (its start-up peak), then reset
#     and read after each upload, so that it is the uploads' own peak;
#   - the baseline: the rate at which SQLite alone inserts the very rows the
#     upload stored (exported from the server's database), with one prepared
#     statement in one transaction, into a new database with the same table
#     and the server's pragmas (bench/raw_insert.c).
# Reports per-run figures, the medians, the ratio upload/raw (target >= 0.5)
# and the peak memory (target < 100 MiB). Traffic goes to 127.0.0.1 only.
#
# Usage: bench/filing.sh           (from anywhere in the repo)
# Environment (all optional):
#   CRYPTOREG_BIN  binary to use; if unset, build-release/cryptoreg is built
#                  (Release, no sanitizers, target cryptoreg only) or brought
#                  up to date first
#   LINES          lines per filing file, not counting the header (default 1000000)
#   RUNS           uploads timed, and raw inserts timed (default 3; medians)
#   SERVER_THREADS cryptoreg serve --threads (default 2)
#   TARGET         minimum acceptable ratio upload/raw (default 0.5)
#   TARGET_RSS_MIB the server's peak RSS to stay under, MiB (default 100)
#   CC             the C compiler for the generator and the baseline (default cc)
#   OUT            directory for the JSON result (default build-release/bench)
#   KEEP_TMP=1     keep the temporary directory (database, files, logs)
# Exit status: 0 when the run was valid (whatever the verdicts; they are
# printed and in the JSON), 1 when something failed.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

default_settings
LINES=${LINES:-1000000}
RUNS=${RUNS:-3}
TARGET=${TARGET:-0.5}
TARGET_RSS_MIB=${TARGET_RSS_MIB:-100}
CC=${CC:-cc}
TABLE=filing_lines

cd "$repo"

require_tools "curl sqlite3 gcc" curl sqlite3 "$CC" awk
require_whole_numbers LINES RUNS SERVER_THREADS TARGET_RSS_MIB
(( LINES > 0 && RUNS > 0 )) || die "LINES and RUNS must be > 0"
[[ $TARGET =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "TARGET must be a number, got '$TARGET'"

note_load_before
build_cryptoreg cryptoreg
make_tmp_dir
log "tmp dir $tmp"

# The two helpers are compiled for this run, into the temporary directory.
"$CC" -O2 -std=c11 -o "$tmp/gen_filing" bench/gen_filing.c || die "bench/gen_filing.c does not compile"
"$CC" -O2 -std=c11 -o "$tmp/raw_insert" bench/raw_insert.c -lsqlite3 || die "bench/raw_insert.c does not compile (it needs sqlite3.h: apt-get install libsqlite3-dev)"

sql_quote() { local s=${1//\'/\'\'}; printf "'%s'" "$s"; }
# json_int body field: the first whole-number value of "field" in a JSON body
# (the Filing object's own fields come before its nested ones), or nothing.
json_int() { grep -o "\"$2\":[0-9]*" "$1" | head -n1 | cut -d: -f2 || true; }
# proc_kib pid field: a VmHWM / VmRSS line of /proc/PID/status, in KiB.
proc_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# cpu_ticks pid: the user + system CPU time the process has used, in clock ticks.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
clk_tck=$(getconf CLK_TCK)

# --- 1. a fresh database with the demo data, a filer and the years to file -------
db=$tmp/db
init_db "$db"
log "loading the demo data"
load_demo "$db"

# The year cannot be under way: the latest year to file is last year in Beijing.
last_year=$(( $(TZ=Asia/Shanghai date +%Y) - 1 ))
# Type certificates that cover a whole year and were never suspended or
# revoked (no status event other than "valid"), with a number and model that
# need no quoting in CSV. The enterprise with the most such years files.
covered_sql="WITH RECURSIVE years(y) AS (SELECT $last_year UNION ALL SELECT y - 1 FROM years WHERE y > $last_year - 20),
covered AS (
  SELECT c.holder_uscc AS uscc, y, c.number, c.product_model AS model
  FROM certificates c JOIN years
    ON c.issued_on <= printf('%04d-01-01', y) AND c.expires_on >= printf('%04d-12-31', y)
  WHERE c.kind = 'type_model' AND c.legacy = 0
    AND c.number NOT GLOB '*[,\":]*' AND c.product_model NOT GLOB '*[,\"]*'
    AND NOT EXISTS (SELECT 1 FROM certificate_events e WHERE e.certificate_id = c.id AND e.status <> 'valid'))"
uscc=$(sqlite3 "$db" "$covered_sql SELECT uscc FROM covered GROUP BY uscc ORDER BY count(DISTINCT y) DESC, max(y) DESC, uscc LIMIT 1")
[[ $uscc =~ ^[0-9A-Z]{18}$ ]] || die "no demo enterprise holds a type certificate valid through a whole year up to $last_year"
mapfile -t years < <(sqlite3 "$db" "$covered_sql SELECT DISTINCT y FROM covered WHERE uscc = $(sql_quote "$uscc") ORDER BY y DESC LIMIT $RUNS")
(( ${#years[@]} > 0 )) || die "no year to file for $uscc"
if (( ${#years[@]} < RUNS )); then
    log "warning: $uscc has certificates covering ${#years[@]} whole year(s) only; some runs upload a new version of a year"
fi
log "filer $uscc, years ${years[*]}"

# The filer: an enterprise user of our own, so that no demo login is needed.
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" | "$BIN" --db "$db" user add bench.filer --role enterprise_user \
    --enterprise "$uscc" --password-stdin >"$tmp/user.log" 2>&1 \
    || { cat "$tmp/user.log" >&2; die "cryptoreg user add failed"; }

# An API token, so that the uploads carry a bearer token and no CSRF header.
# It is made on a server of its own, stopped before the measured one starts,
# so that the measured server does nothing but the uploads: a log-in
# verifies the password with Argon2id, which takes 64 MiB for a moment.
login_port=$(pick_port)
start_cryptoreg "cryptoreg (log-in)" "$db" login.log "$login_port"
login_pid=$started_pid
login_base=http://127.0.0.1:$login_port
wait_http "$login_base/healthz" "$login_pid" "cryptoreg (log-in)"
code=$(curl -sS -o "$tmp/session.json" -w '%{http_code}' -c "$tmp/cookies" \
    -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench.filer\",\"password\":\"$password\"}" "$login_base/api/v1/session")
[[ $code == 200 ]] || die "log-in answered $code: $(head -c 500 "$tmp/session.json")"
csrf=$(grep -o '"csrf_token":"[^"]*"' "$tmp/session.json" | cut -d'"' -f4)
code=$(curl -sS -o "$tmp/token.json" -w '%{http_code}' -b "$tmp/cookies" \
    -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"bench"}' "$login_base/api/v1/tokens")
[[ $code == 201 ]] || die "POST /api/v1/tokens answered $code: $(head -c 500 "$tmp/token.json")"
token=$(grep -o '"token":"[^"]*"' "$tmp/token.json" | cut -d'"' -f4)
[[ -n $token ]] || die "no token in $(head -c 500 "$tmp/token.json")"
stop_pid "$login_pid" "cryptoreg (log-in)"

# The measured server, started fresh for the uploads.
start_lookup_server "$db"

# --- 2. uploads, each followed by a raw insert of the same rows -----------------
file=$tmp/filing.csv
rows=$tmp/rows.dat
schema=$tmp/schema.sql
# The server's peak so far is its start-up: it computes an Argon2id hash
# (64 MiB) to verify against when a user does not exist, and frees it. That
# peak is recorded, then reset (writing 5 to /proc/PID/clear_refs sets VmHWM
# to the current RSS), so that VmHWM after the uploads is their own peak.
hwm_start=$(proc_kib "$server_pid" VmHWM)
rss_before=$(proc_kib "$server_pid" VmRSS)
if (echo 5 >"/proc/$server_pid/clear_refs") 2>/dev/null; then
    peak_reset=true
else
    peak_reset=false
    log "warning: cannot reset the server's VmHWM; the peak reported includes its start-up"
fi
hwm_before=$(proc_kib "$server_pid" VmHWM)
log "server before the first upload: VmHWM $(mib "$hwm_start") MiB (start-up), VmRSS $(mib "$rss_before") MiB"
U_YEAR=() U_BYTES=() U_SECS=() U_RATE=() U_CPU=() U_HWM=() U_ID=() R_SECS=() R_RATE=()

# export_rows filing-id: writes the stored rows of one filing to $rows (values
# separated by 0x1F, rows ended by 0x1E; BLOB columns as hex) and the DDL of
# the table to $schema, with a one-column stand-in for each table the lines
# refer to by foreign key, holding the keys they use, so that the baseline
# checks its foreign keys as the server does.
export_rows() {
    local id=$1 cols parent from to type
    cols=$(sqlite3 "$db" "SELECT group_concat(CASE WHEN upper(type) = 'BLOB' THEN 'hex(\"' || name || '\")' ELSE '\"' || name || '\"' END, ', ')
                          FROM (SELECT name, type FROM pragma_table_info('$TABLE') ORDER BY cid)")
    [[ -n $cols ]] || die "the server's database has no table $TABLE"
    sqlite3 "$db" ".schema $TABLE" >"$schema"
    while IFS=$'\t' read -r parent from to; do
        [[ -n $parent ]] || continue
        [[ -n $to ]] || to=$(sqlite3 "$db" "SELECT name FROM pragma_table_info($(sql_quote "$parent")) WHERE pk = 1")
        # The key keeps its declared type: an INTEGER PRIMARY KEY is the rowid, as in the server's table.
        type=$(sqlite3 "$db" "SELECT type FROM pragma_table_info($(sql_quote "$parent")) WHERE name = $(sql_quote "$to")")
        printf 'CREATE TABLE IF NOT EXISTS "%s" ("%s" %s PRIMARY KEY);\n' "$parent" "$to" "$type" >>"$schema"
        sqlite3 "$db" "SELECT DISTINCT 'INSERT OR IGNORE INTO \"$parent\" VALUES (' || quote(\"$from\") || ');'
                       FROM $TABLE WHERE filing_id = $id" >>"$schema"
    done < <(sqlite3 -separator $'\t' "$db" "SELECT \"table\", \"from\", coalesce(\"to\", '') FROM pragma_foreign_key_list('$TABLE')")
    sqlite3 -batch -noheader -list -separator $'\x1f' -newline $'\x1e' "$db" \
        "SELECT $cols FROM $TABLE WHERE filing_id = $id ORDER BY line" >"$rows"
}

for ((r = 1; r <= RUNS; r++)); do
    year=${years[(r - 1) % ${#years[@]}]}
    # Pairs of certificate number and model that cover the whole year; the seed
    # makes every file differ from the last, since an identical one is a no-op.
    mapfile -t pairs < <(sqlite3 "$db" "$covered_sql SELECT number || ':' || model FROM covered
                                        WHERE uscc = $(sql_quote "$uscc") AND y = $year ORDER BY number")
    gen_start=$(now)
    "$tmp/gen_filing" "$year" "$LINES" "$r" "${pairs[@]}" >"$file" || die "gen_filing failed"
    bytes=$(stat -c %s "$file")
    log "run $r/$RUNS: $LINES lines for $year, $bytes bytes, generated in $(elapsed "$gen_start" "$(now)" 2)s; uploading"

    cpu0=$(cpu_ticks "$server_pid")
    # Expect: off, so that curl sends the body at once instead of waiting for
    # a 100 Continue; --data-binary reads the file before the clock starts.
    out=$(curl -sS -o "$tmp/upload-$r.json" -w '%{http_code} %{time_total}' --max-time 1800 \
        -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' -H 'Expect:' \
        --data-binary "@$file" "$server_base/api/v1/filings/years/$year") || die "curl failed on upload $r"
    cpu1=$(cpu_ticks "$server_pid")
    read -r code secs <<<"$out"
    kill -0 "$server_pid" 2>/dev/null || die "cryptoreg died during upload $r"
    [[ $code == 201 ]] || die "upload $r answered $code: $(head -c 1000 "$tmp/upload-$r.json")"
    stored=$(json_int "$tmp/upload-$r.json" lines)
    [[ $stored == "$LINES" ]] || die "upload $r: the filing holds '$stored' lines, not $LINES: $(head -c 500 "$tmp/upload-$r.json")"
    id=$(json_int "$tmp/upload-$r.json" id)
    [[ -n $id ]] || die "upload $r: no filing id in $(head -c 500 "$tmp/upload-$r.json")"
    in_db=$(sqlite3 "$db" "SELECT count(*) FROM $TABLE WHERE filing_id = $id")
    [[ $in_db == "$LINES" ]] || die "upload $r: the database holds $in_db lines of filing $id, not $LINES"
    U_YEAR+=("$year") U_BYTES+=("$bytes") U_SECS+=("$secs") U_ID+=("$id")
    U_RATE+=("$(awk -v n="$LINES" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')")
    U_CPU+=("$(awk -v t="$((cpu1 - cpu0))" -v h="$clk_tck" 'BEGIN { printf "%.2f", t / h }')")
    U_HWM+=("$(proc_kib "$server_pid" VmHWM)")
    log "run $r/$RUNS: upload ${secs}s, ${U_RATE[-1]} lines/s, server CPU ${U_CPU[-1]}s, VmHWM $(mib "${U_HWM[-1]}") MiB (filing $id)"

    # The baseline inserts the rows of the first upload, as the server stored them.
    if (( r == 1 )); then
        export_rows "$id"
        row_bytes=$(stat -c %s "$rows")
        log "exported the $LINES stored rows: $row_bytes bytes"
    fi
    rm -f "$tmp/raw.db" "$tmp/raw.db-wal" "$tmp/raw.db-shm"
    run_bg raw_insert "$tmp/raw-$r.txt" "$tmp/raw_insert" "$schema" "$TABLE" "$rows" "$tmp/raw.db" \
        || { cat "$tmp/raw-$r.txt" >&2; die "raw_insert failed"; }
    read -r raw_rows raw_secs raw_rate <"$tmp/raw-$r.txt"
    [[ $raw_rows == "$LINES" ]] || die "raw_insert inserted $raw_rows rows, not $LINES"
    R_SECS+=("$raw_secs") R_RATE+=("$raw_rate")
    log "run $r/$RUNS: raw insert ${raw_secs}s, $raw_rate rows/s"
    rm -f "$tmp/raw.db" "$tmp/raw.db-wal" "$tmp/raw.db-shm"
done
hwm_after=$(proc_kib "$server_pid" VmHWM)
note_load_after
# The database with every filing, and its write-ahead log, which SQLite
# reuses but does not shrink while the server has it open.
db_bytes=$(stat -c %s "$db")
wal_bytes=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)

# --- 3. report ---------------------------------------------------------------------
med_secs=$(median "${U_SECS[@]}")
med_rate=$(median "${U_RATE[@]}")
med_raw_secs=$(median "${R_SECS[@]}")
med_raw_rate=$(median "${R_RATE[@]}")
med_bytes=$(median "${U_BYTES[@]}")
ratio_v=$(ratio "$med_rate" "$med_raw_rate")
meets=$(at_least "$ratio_v" "$TARGET")
rss_meets=$(awk -v k="$hwm_after" -v t="$TARGET_RSS_MIB" 'BEGIN { print (k / 1024 < t) ? "true" : "false" }')

printf '\nsales filing upload: POST /api/v1/filings/years/{year}, %s lines per file, %s runs, cryptoreg --threads %s\n' \
    "$LINES" "$RUNS" "$SERVER_THREADS"
printf 'filer %s; baseline: raw_insert, one prepared INSERT per row in one transaction (WAL, synchronous=NORMAL)\n\n' "$uscc"
printf '%-7s %5s %11s %10s %12s %10s %12s %10s %12s\n' run year bytes "upload s" "lines/s" "server CPU" "VmHWM MiB" "raw s" "rows/s"
for ((i = 0; i < RUNS; i++)); do
    printf '%-7s %5s %11s %10.3f %12.1f %9ss %12s %10.3f %12.1f\n' "$((i + 1))" "${U_YEAR[i]}" "${U_BYTES[i]}" \
        "${U_SECS[i]}" "${U_RATE[i]}" "${U_CPU[i]}" "$(mib "${U_HWM[i]}")" "${R_SECS[i]}" "${R_RATE[i]}"
done
printf '%-7s %5s %11.0f %10.3f %12.1f %10s %12s %10.3f %12.1f\n' median '' "$med_bytes" "$med_secs" "$med_rate" '' '' \
    "$med_raw_secs" "$med_raw_rate"

printf '\nsummary (medians over %s runs)\n' "$RUNS"
printf '%-40s %14s\n' "upload lines/s" "$med_rate"
printf '%-40s %14s\n' "raw insert rows/s" "$med_raw_rate"
printf '%-40s %14s  >= %s: %s\n' "ratio upload/raw" "$ratio_v" "$TARGET" "$(verdict "$meets")"
printf '%-40s %14s  < %s: %s\n' "server peak RSS in the uploads, MiB" "$(mib "$hwm_after")" "$TARGET_RSS_MIB" "$(verdict "$rss_meets")"
printf '%-40s %14s\n' "server VmRSS before the first upload, MiB" "$(mib "$rss_before")"
printf '%-40s %14s\n' "server VmHWM before the first upload, MiB" "$(mib "$hwm_start")"
printf '%-40s %14s\n' "file size, MB (median)" "$(awk -v b="$med_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"
printf '%-40s %14s\n' "stored rows as exported, MB" "$(awk -v b="$row_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"
printf '%-40s %14s\n' "database after the uploads, MB" "$(awk -v b="$db_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"
printf '%-40s %14s\n' "its write-ahead log, MB" "$(awk -v b="$wal_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"
printf '\n'
print_run_notes

json=$(json_path filing)
{
    json_head filing sqlite3 cryptoreg
    printf '  "params": {"lines": %s, "runs": %s, "server_threads": %s, "filer": %s},\n' \
        "$LINES" "$RUNS" "$SERVER_THREADS" "$(jstr "$uscc")"
    printf '  "database": {"bytes_after_uploads": %s, "wal_bytes_after_uploads": %s},\n' "$db_bytes" "$wal_bytes"
    printf '  "upload": {"years": %s, "filing_ids": %s, "bytes": %s, "seconds": %s, "lines_per_s": %s, "server_cpu_s": %s, "vmhwm_kb_after": %s, "median_s": %s, "median_lines_per_s": %s},\n' \
        "$(jarr "${U_YEAR[@]}")" "$(jarr "${U_ID[@]}")" "$(jarr "${U_BYTES[@]}")" "$(jarr "${U_SECS[@]}")" \
        "$(jarr "${U_RATE[@]}")" "$(jarr "${U_CPU[@]}")" "$(jarr "${U_HWM[@]}")" "$med_secs" "$med_rate"
    printf '  "raw_insert": {"rows": %s, "rows_bytes": %s, "seconds": %s, "rows_per_s": %s, "median_s": %s, "median_rows_per_s": %s},\n' \
        "$LINES" "$row_bytes" "$(jarr "${R_SECS[@]}")" "$(jarr "${R_RATE[@]}")" "$med_raw_secs" "$med_raw_rate"
    printf '  "memory": {"vmhwm_kb_startup": %s, "vmrss_kb_before": %s, "peak_reset": %s, "vmhwm_kb_before": %s, "vmhwm_kb_after": %s, "target_mib": %s, "meets_target": %s},\n' \
        "$hwm_start" "$rss_before" "$peak_reset" "$hwm_before" "$hwm_after" "$TARGET_RSS_MIB" "$rss_meets"
    printf '  "ratio": %s,\n  "target": %s,\n  "meets_target": %s,\n  "valid": true\n' "$ratio_v" "$TARGET" "$meets"
    printf '}\n'
} >"$json"
printf 'results: %s\n' "$json"
