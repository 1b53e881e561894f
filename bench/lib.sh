# shellcheck shell=bash
# Shared code of the benchmark scripts in bench/ (enterprise-lookup.sh,
# certificate-lookup.sh, tlog.sh). Source it right after `set -euo pipefail`:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It only defines functions and a few globals; nothing runs, builds or starts
# until a script calls a function. What every script does the same way lives
# here, so that the scripts measure under the same conditions (same build,
# same wrk parsing, same nginx baseline, same JSON header) and differ only in
# what they measure.
#
# Globals the functions set or read (the scripts use them as well):
#   repo          the repository root (set on sourcing)
#   BIN           absolute path of the cryptoreg binary (build_cryptoreg)
#   tmp           the temporary directory (make_tmp_dir)
#   load_before   the 1-minute load average before the run (note_load_before)
#   load_after    the same right after the load (note_load_after)
#   nginx_pid     the nginx master (start_nginx)
#   started_pid   the last server start_cryptoreg started
#   WRK_RPS WRK_P50 WRK_P99 WRK_REQS WRK_ERRORS   figures of the last run_wrk
#   M_RPS M_P50 M_P99 M_ERR   per key, the figures of each recorded run
#                             (record_run), space-separated, in round order
#   MED_RPS MED_P50 MED_P99 SUM_ERR   per key, medians and error sum
#                             (summarize_runs)
#   total_errors  errors wrk counted over all recorded runs
#   port server_pid server_base   the server of the lookup benchmarks
#                 (start_lookup_server)
# Settings read (default_settings gives the shared ones their defaults):
# DURATION, ROUNDS, THREADS, CONNECTIONS, SERVER_THREADS, WARMUP, NGINX, OUT,
# KEEP_TMP, CRYPTOREG_BIN.
#
# Several globals are assigned here and only read by the scripts:
# shellcheck disable=SC2034

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# --- messages -------------------------------------------------------------------

# log message...: a progress line on stderr, so that stdout holds only the
# report.
log() { printf '[bench] %s\n' "$*" >&2; }

# die message...: an error line on stderr, then exit 1 (the EXIT trap of
# make_tmp_dir stops the servers and shows their logs).
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# --- settings and prerequisites -------------------------------------------------

# default_settings: the defaults of the settings all three scripts share
# (wrk load, server threads, warm-up, nginx binary, result directory), in one
# place so that the benchmarks stay comparable: the same load unless a run
# asks otherwise. Call it before reading them; each script sets its own
# settings (data sizes, targets) itself.
default_settings() {
    DURATION=${DURATION:-10}
    ROUNDS=${ROUNDS:-3}
    THREADS=${THREADS:-2}
    CONNECTIONS=${CONNECTIONS:-32}
    SERVER_THREADS=${SERVER_THREADS:-2}
    WARMUP=${WARMUP:-2}
    NGINX=${NGINX:-/usr/sbin/nginx}
    OUT=${OUT:-build-release/bench}
}

# require_tools packages tool...: dies naming the Debian packages to install
# if one of the commands is missing, before anything is built or started.
require_tools() {
    local packages=$1 tool
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install $packages)"
    done
}

# require_nginx: dies if $NGINX is not executable. The baseline needs it, and
# a missing one should stop the run before the slow set-up.
require_nginx() {
    [[ -x $NGINX ]] || die "$NGINX not found (Debian: apt-get install nginx-light)"
}

# require_whole_numbers name...: dies if one of the named variables is not a
# whole number, so that a typo in a setting fails at once and not halfway.
require_whole_numbers() {
    local n
    for n in "$@"; do
        [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, got '${!n}'"
    done
}

# --- the binary -------------------------------------------------------------------

# build_cryptoreg target: sets BIN to the binary to measure, as an absolute
# path. With CRYPTOREG_BIN it is that file, unbuilt. Otherwise it is
# build-release/cryptoreg, configured (Release, no sanitizers) if needed and
# then always brought up to date with `cmake --build build-release -j2 --target
# TARGET` (incremental, cheap when nothing changed), so that a stale binary is
# never measured. TARGET `cryptoreg` builds only the server, so that a test or
# fuzz target that does not build does not stop the benchmark; `all` builds
# everything.
build_cryptoreg() {
    local target=$1
    if [[ -n ${CRYPTOREG_BIN:-} ]]; then
        BIN=$CRYPTOREG_BIN
        [[ -x $BIN ]] || die "CRYPTOREG_BIN=$BIN is not an executable file"
    else
        BIN=$repo/build-release/cryptoreg
        if [[ ! -f $repo/build-release/CMakeCache.txt ]]; then
            log "configuring build-release (Release, no sanitizers)"
            cmake -S "$repo" -B "$repo/build-release" -DCMAKE_BUILD_TYPE=Release -DCRYPTOREG_SANITIZE=OFF >&2
        fi
        log "building build-release/cryptoreg"
        cmake --build "$repo/build-release" -j2 --target "$target" >&2
        [[ -x $BIN ]] || die "build did not produce $BIN"
    fi
    BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
}

# --- temporary directory, background processes, cleanup ----------------------------

wrk_pid=
job_pid=
job_name=
nginx_pid=
started_pid=
server_pids=()
server_names=()
server_logs=()

# stop_pid pid name: stops one background process (TERM, up to 5 s, then KILL)
# and reaps it. An empty pid or a process already gone is fine, so that
# cleanup can call it for whatever was started.
stop_pid() {
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

# cleanup: the EXIT trap. Stops wrk, the running job, the cryptoreg servers
# (in the order they were started) and nginx, so that no server outlives the
# script, even after an error or Ctrl-C. After a failure it shows the tail of
# the servers' logs, which usually say why. Removes the temporary directory
# unless KEEP_TMP=1, and exits with the script's status.
cleanup() {
    local rc=$? i f
    trap - EXIT INT TERM
    stop_pid "$wrk_pid" wrk
    stop_pid "$job_pid" "$job_name"
    for i in "${!server_pids[@]}"; do
        stop_pid "${server_pids[i]}" "${server_names[i]}"
    done
    stop_pid "$nginx_pid" nginx
    if (( rc != 0 )); then
        for f in "${server_logs[@]}" nginx/error.log; do
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

# make_tmp_dir: creates the run's private temporary directory, $tmp (database,
# logs, nginx config, wrk output), and installs the traps: cleanup on exit,
# and INT/TERM turned into an exit (130/143) so that cleanup runs then too.
make_tmp_dir() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/cryptoreg-bench.XXXXXX")
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# run_bg name outfile cmd...: runs a command with its output in outfile, in the
# background and waited for, so that INT/TERM stop the run at once and cleanup
# stops the command (named `name` if it has to be killed). Returns its exit
# status.
run_bg() {
    local name=$1 out=$2 rc=0
    shift 2
    "$@" >"$out" 2>&1 &
    job_pid=$! job_name=$name
    wait "$job_pid" || rc=$?
    job_pid=
    return "$rc"
}

# --- ports, servers ----------------------------------------------------------------

# port_is_free port: true if nothing accepts a connection on 127.0.0.1:port.
port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port [taken...]: prints a free port in 20000-59999 other than the ones
# given (ports picked for servers that may not be listening yet).
# shellcheck disable=SC2120  # the scripts pass the taken ports; lib.sh itself none
pick_port() {
    local p i q taken
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 40000))
        taken=0
        for q in "$@"; do [[ $p == "$q" ]] && taken=1; done
        (( taken == 0 )) && port_is_free "$p" && { echo "$p"; return 0; }
    done
    die "no free port found"
}

# wait_http url pid name: waits until the URL answers 200, so that no load is
# sent to a server still starting. Dies if the process exits first or after
# 30 s.
wait_http() {
    local url=$1 pid=$2 name=$3 i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || die "$name exited before it was ready"
        curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    die "$name did not answer $url within 30 s"
}

# start_cryptoreg name db logfile port [VAR=value...]: starts `cryptoreg serve`
# on 127.0.0.1:port with SERVER_THREADS threads, in the background, its output
# in $tmp/logfile, with the environment assignments given (e.g.
# CRYPTOREG_ANSWER_CACHE=0). Sets started_pid, and registers the server so
# that cleanup stops it and shows its log after a failure. It does not wait:
# call wait_http on the URL the measurement needs.
start_cryptoreg() {
    local name=$1 db=$2 logfile=$3 port=$4
    shift 4
    env "$@" "$BIN" --db "$db" serve --listen "127.0.0.1:$port" --threads "$SERVER_THREADS" >"$tmp/$logfile" 2>&1 &
    started_pid=$!
    server_pids+=("$started_pid") server_names+=("$name") server_logs+=("$logfile")
}

# start_lookup_server db: the one server of the lookup benchmarks. Picks a
# port, starts cryptoreg on db (log server.log), waits until /healthz answers,
# and sets port, server_pid and server_base (http://127.0.0.1:port).
start_lookup_server() {
    # shellcheck disable=SC2119  # no port is taken yet
    port=$(pick_port)
    start_cryptoreg cryptoreg "$1" server.log "$port"
    server_pid=$started_pid
    server_base=http://127.0.0.1:$port
    wait_http "$server_base/healthz" "$server_pid" cryptoreg
    log "cryptoreg pid $server_pid on 127.0.0.1:$port"
}

# start_nginx port wait-path content-type [charset]: the baseline. Writes an
# nginx config into $tmp/nginx that serves $tmp/static on 127.0.0.1:port with
# SERVER_THREADS workers, no access log, sendfile and long keep-alive (the
# fastest static serving nginx does), every file as content-type (plus
# charset, if given, as cryptoreg sends it). It neither reads nor changes
# /etc/nginx. Starts nginx in the foreground mode as a background job (so
# that cleanup stops it), sets nginx_pid, and waits until wait-path answers.
start_nginx() {
    local port=$1 wait_path=$2 type=$3 charset=${4:-} types
    types="    default_type $type;"
    [[ -z $charset ]] || types+=$'\n'"    charset $charset;"$'\n'"    charset_types $type;"
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
$types
    sendfile on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        root $tmp/static;
        location / { }
    }
}
EOF
    "$NGINX" -t -q -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
        || die "nginx rejected its configuration"
    "$NGINX" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout.log" 2>&1 &
    nginx_pid=$!
    wait_http "http://127.0.0.1:$port$wait_path" "$nginx_pid" nginx
    log "nginx pid $nginx_pid on 127.0.0.1:$port"
}

# --- the database -------------------------------------------------------------------

# init_db db: creates a fresh cryptoreg database (schema, keys); shows
# cryptoreg's output and dies if that fails.
init_db() {
    "$BIN" --db "$1" init >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; die "cryptoreg init failed"; }
}

# load_demo db demo-argument...: loads demo data with `cryptoreg demo` (in the
# background, so that Ctrl-C stops it at once), its output in $tmp/demo.log;
# dies showing the end of that output if it fails.
load_demo() {
    local db=$1
    shift
    run_bg "cryptoreg demo" "$tmp/demo.log" "$BIN" --db "$db" demo "$@" \
        || { tail -n 20 "$tmp/demo.log" >&2; die "cryptoreg demo failed"; }
}

# check_enterprises db wanted: sets count to the enterprises in the database.
# Dies if it holds half of `wanted` or fewer (the demo did not load), and
# warns if it is not exactly `wanted`.
check_enterprises() {
    local db=$1 wanted=$2
    count=$(sqlite3 "$db" "select count(*) from enterprises")
    if ! [[ $count =~ ^[0-9]+$ ]] || (( count <= wanted / 2 )); then
        die "expected $wanted enterprises in the database, found '$count'"
    fi
    [[ $count == "$wanted" ]] || log "warning: asked for $wanted enterprises, the database holds $count"
}

# --- load average ----------------------------------------------------------------------

# load_average: prints the 1-minute load average (0 if unknown).
load_average() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0; }

# note_load_before: sets load_before, and warns if it is 1 or more: other
# load on the machine makes the figures unreliable, and the report and the
# JSON record it.
note_load_before() {
    load_before=$(load_average)
    if awk -v l="$load_before" 'BEGIN { exit !(l >= 1.0) }'; then
        log "warning: load average is $load_before before the run; the figures will be noisy"
    fi
}

# note_load_after: sets load_after, the load average right after the load,
# which the JSON records beside load_before.
note_load_after() { load_after=$(load_average); }

# print_run_notes: the report's closing lines: the load before the run, and,
# if wrk counted errors, that the run is invalid (fast error pages would make
# the rates meaningless).
print_run_notes() {
    printf 'load average (1 min) before the run: %s (should be well under 1; the run itself raises it)\n' "$load_before"
    (( total_errors == 0 )) || printf 'INVALID RUN: wrk counted %s non-2xx responses or socket errors\n' "$total_errors"
}

# --- wrk ----------------------------------------------------------------------------

# to_ms duration: a wrk duration (e.g. 812.00us, 1.23ms, 2.00s, 1.00m) in
# milliseconds, 3 decimals; fails on a unit it does not know.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
        if (f < 0 || n == "") exit 1
        printf "%.3f", n * f }'
}

# run_wrk name url seconds outfile [threads connections [lua-script [arg...]]]:
# one wrk run with --latency (threads and connections default to THREADS and
# CONNECTIONS; the script's arguments go after `--`), its raw output in
# outfile. Sets WRK_RPS, WRK_P50 and WRK_P99 (ms), WRK_REQS, and WRK_ERRORS
# (non-2xx/3xx responses plus socket errors, which make a rate meaningless).
# Dies if wrk fails, its output cannot be parsed or it made no request.
run_wrk() {
    local name=$1 url=$2 secs=$3 out=$4 thr=${5:-$THREADS} conns=${6:-$CONNECTIONS} script=${7:-}
    local p50raw p99raw non2xx sock
    local -a args=(-t"$thr" -c"$conns" -d"${secs}s" --latency)
    shift $(( $# < 7 ? $# : 7 ))
    [[ -n $script ]] && args+=(-s "$script")
    args+=("$url")
    [[ -n $script && $# -gt 0 ]] && args+=(-- "$@")
    # in the background and waited for, so that INT/TERM stop the run at once
    timeout $((secs + 60)) wrk "${args[@]}" >"$out" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || { wrk_pid=; cat "$out" >&2; die "wrk against $name failed"; }
    wrk_pid=
    WRK_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    p50raw=$(awk '$1 == "50%" { print $2 }' "$out")
    p99raw=$(awk '$1 == "99%" { print $2 }' "$out")
    WRK_REQS=$(awk '/requests in/ { print $1 }' "$out")
    [[ -n $WRK_RPS && -n $p50raw && -n $p99raw && -n $WRK_REQS ]] || { cat "$out" >&2; die "could not parse wrk output for $name"; }
    WRK_P50=$(to_ms "$p50raw") || die "could not parse latency '$p50raw'"
    WRK_P99=$(to_ms "$p99raw") || die "could not parse latency '$p99raw'"
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    sock=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
    WRK_ERRORS=$(( ${non2xx:-0} + ${sock:-0} ))
    (( WRK_REQS > 0 )) || die "wrk made no request against $name"
}

declare -gA M_RPS=() M_P50=() M_P99=() M_ERR=() MED_RPS=() MED_P50=() MED_P99=() SUM_ERR=()
total_errors=0

# record_run key: appends the last run_wrk's figures to the key's lists
# (M_RPS, M_P50, M_P99, M_ERR) and its errors to total_errors. Warm-up runs
# are not recorded.
record_run() {
    local k=$1
    M_RPS[$k]+=" $WRK_RPS" M_P50[$k]+=" $WRK_P50" M_P99[$k]+=" $WRK_P99" M_ERR[$k]+=" $WRK_ERRORS"
    total_errors=$((total_errors + WRK_ERRORS))
}

# --- figures ----------------------------------------------------------------------

# run_valid: true if wrk counted no error in the recorded runs, else false
# (the JSON's "valid"; an invalid run exits 1).
run_valid() { (( total_errors == 0 )) && echo true || echo false; }

# median number...: the median, 3 decimals. The medians of the rounds are
# what the reports compare: they drop the outliers of a shared machine.
median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# median_list "n1 n2 ...": the median of a space-separated list.
median_list() {
    local -a v
    read -r -a v <<<"$1"
    median "${v[@]}"
}

# sum_list "n1 n2 ...": the sum of a space-separated list of whole numbers.
sum_list() {
    local -a v
    read -r -a v <<<"$1"
    printf '%s\n' "${v[@]}" | awk '{ s += $1 } END { print s + 0 }'
}

# summarize_runs key...: for each key, sets MED_RPS, MED_P50, MED_P99 (the
# medians of its recorded runs) and SUM_ERR (their errors).
summarize_runs() {
    local k
    for k in "$@"; do
        MED_RPS[$k]=$(median_list "${M_RPS[$k]-}")
        MED_P50[$k]=$(median_list "${M_P50[$k]-}")
        MED_P99[$k]=$(median_list "${M_P99[$k]-}")
        SUM_ERR[$k]=$(sum_list "${M_ERR[$k]-}")
    done
}

# ratio a b: a / b, 3 decimals (0 if b is 0): how cryptoreg's rate compares
# with its baseline's.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }'; }

# at_least value target: prints true if value >= target, else false (JSON).
at_least() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "true" : "false" }'; }

# verdict true|false: "met" or "NOT met", for the report.
verdict() { [[ $1 == true ]] && echo met || echo "NOT met"; }

# now: the time in seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# elapsed start end [decimals]: end - start in seconds (3 decimals by default).
elapsed() { awk -v a="$1" -v b="$2" -v d="${3:-3}" 'BEGIN { printf "%." d "f", b - a }'; }

# --- report --------------------------------------------------------------------------

# print_pair_table cryptoreg-key nginx-key: the per-round table of a lookup
# measured on cryptoreg and on its nginx baseline (req/s, p99, errors of both),
# and a row of medians.
print_pair_table() {
    local c=$1 n=$2 i
    local -a cr nr cp np ce ne
    read -r -a cr <<<"${M_RPS[$c]}"; read -r -a nr <<<"${M_RPS[$n]}"
    read -r -a cp <<<"${M_P99[$c]}"; read -r -a np <<<"${M_P99[$n]}"
    read -r -a ce <<<"${M_ERR[$c]}"; read -r -a ne <<<"${M_ERR[$n]}"
    printf '%-8s %16s %16s %14s %14s %8s\n' round "cryptoreg req/s" "nginx req/s" "cryptoreg p99" "nginx p99" errors
    for ((i = 0; i < ${#cr[@]}; i++)); do
        printf '%-8s %16.1f %16.1f %11.3f ms %11.3f ms %8s\n' "$((i + 1))" "${cr[i]}" "${nr[i]}" \
            "${cp[i]}" "${np[i]}" "$((ce[i] + ne[i]))"
    done
    printf '%-8s %16.1f %16.1f %11.3f ms %11.3f ms %8s\n' median "${MED_RPS[$c]}" "${MED_RPS[$n]}" \
        "${MED_P99[$c]}" "${MED_P99[$n]}" "$((SUM_ERR[$c] + SUM_ERR[$n]))"
}

# --- JSON ------------------------------------------------------------------------------

# jarr value...: a JSON array of the values, as they are (numbers).
jarr() { local IFS=,; printf '[%s]' "$*"; }

# jlist "v1 v2 ...": a JSON array of a space-separated list.
jlist() {
    local -a v
    read -r -a v <<<"$1"
    jarr "${v[@]}"
}

# jstr string: a JSON string (backslashes and quotes escaped; the values
# written have no control characters).
jstr() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# json_runs key [p50]: the JSON object of a key's recorded runs: per-round rps,
# p99 (and p50 with `p50`) and errors, and the medians.
json_runs() {
    local k=$1
    if [[ ${2:-} == p50 ]]; then
        printf '{"rps": %s, "p50_ms": %s, "p99_ms": %s, "errors": %s, "median_rps": %s, "median_p50_ms": %s, "median_p99_ms": %s}' \
            "$(jlist "${M_RPS[$k]}")" "$(jlist "${M_P50[$k]}")" "$(jlist "${M_P99[$k]}")" "$(jlist "${M_ERR[$k]}")" \
            "${MED_RPS[$k]}" "${MED_P50[$k]}" "${MED_P99[$k]}"
    else
        printf '{"rps": %s, "p99_ms": %s, "errors": %s, "median_rps": %s, "median_p99_ms": %s}' \
            "$(jlist "${M_RPS[$k]}")" "$(jlist "${M_P99[$k]}")" "$(jlist "${M_ERR[$k]}")" \
            "${MED_RPS[$k]}" "${MED_P99[$k]}"
    fi
}

# json_path benchmark: creates OUT and prints the result file's path,
# OUT/<benchmark>-<UTC timestamp>.json; a timestamp per run, so that results
# accumulate instead of overwriting each other.
json_path() {
    mkdir -p "$OUT"
    printf '%s/%s-%s.json' "$OUT" "$1" "$(date -u +%Y%m%dT%H%M%SZ)"
}

# json_head benchmark tool...: the opening brace and the fields every result
# starts with, each line ending in a comma: benchmark, date, git commit and
# whether the tree was dirty, host with the load averages before and after the
# load, and the versions of the tools named (json_tools). It is what makes
# results comparable later: which code, on which machine, how busy, with what.
json_head() {
    local name=$1 commit dirty=false
    shift
    commit=$(git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
    [[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || dirty=true
    printf '{\n'
    printf '  "benchmark": %s,\n' "$(jstr "$name")"
    printf '  "date": %s,\n' "$(jstr "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
    printf '  "git_commit": %s,\n  "git_dirty": %s,\n' "$(jstr "$commit")" "$dirty"
    printf '  "host": {"cpus": %s, "kernel": %s, "loadavg_before": %s, "loadavg_after": %s},\n' \
        "$(nproc)" "$(jstr "$(uname -sr)")" "$load_before" "$load_after"
    json_tools "$@"
}

# tool_version tool: the version of one of the tools a run depends on (wrk,
# nginx, openssl, sqlite3, cryptoreg), as the JSON records it.
tool_version() {
    case $1 in
        wrk) wrk --version 2>&1 | head -n1 | awk '{print $2}' ;;
        nginx) "$NGINX" -v 2>&1 | sed 's/.*nginx\///' ;;
        openssl) openssl version | awk '{print $2}' ;;
        sqlite3) sqlite3 --version | awk '{print $1}' ;;
        cryptoreg) "$BIN" version 2>/dev/null | head -n1 || true ;;
        *) die "tool_version: unknown tool $1" ;;
    esac
}

# json_tools tool...: the "tools" line, with the version of each tool named,
# in that order, so that a result says what it was measured with.
json_tools() {
    local tool sep='' line=''
    for tool in "$@"; do
        line+=$(printf '%s"%s": %s' "$sep" "$tool" "$(jstr "$(tool_version "$tool")")")
        sep=', '
    done
    printf '  "tools": {%s},\n' "$line"
}
