#!/usr/bin/env bash
# Shell-level tests of the cryptoreg command line: help, exit codes, JSON output,
# configuration precedence, CSV import reports, users, verified backup/restore, the
# transparency log, and the filing client against a running server.
set -uo pipefail
BIN=${1:?usage: cli_test.sh PATH_TO_CRYPTOREG}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
passed=0 failed=0

check() { # check NAME EXPECTED_EXIT COMMAND...
  local name=$1 want=$2; shift 2
  "$@" >out.txt 2>err.txt; local got=$?
  if [ "$got" -eq "$want" ]; then passed=$((passed+1)); else
    failed=$((failed+1)); echo "FAIL $name: exit $got, expected $want"; sed 's/^/  | /' out.txt err.txt; fi
}
contains() { # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then passed=$((passed+1)); else
    failed=$((failed+1)); echo "FAIL $1: $2 lacks \"$3\""; sed 's/^/  | /' "$2"; fi
}

check "no command is a usage error" 2 "$BIN"
check "top-level help" 0 "$BIN" --help
contains "help lists commands" out.txt "enterprise"
check "version" 0 "$BIN" version
contains "version text" out.txt "cryptoreg 0."
check "unknown command" 2 "$BIN" frobnicate
for cmd in init serve user enterprise demo backup restore version; do
  check "$cmd --help" 0 "$BIN" "$cmd" --help
  contains "$cmd --help shows usage" out.txt "usage: cryptoreg $cmd"
done
check "unknown option" 2 "$BIN" --db a.db enterprise list --colour
check "database missing before init" 3 "$BIN" --db nothing/here.db enterprise list

check "init" 0 "$BIN" --db a.db init
contains "init reports bureaus" out.txt "33 bureaus"
check "init again is harmless" 0 "$BIN" --db a.db init

check "add enterprise" 0 "$BIN" --db a.db enterprise add --uscc 914403052836347237 --name-zh 深圳南山 --roles manufacturer
contains "Shenzhen bureau derived" out.txt "bureau 440300"
check "duplicate enterprise refused" 1 "$BIN" --db a.db enterprise add --uscc 914403052836347237 --name-zh 又一个 --roles seller
contains "duplicate named" err.txt "already registered"
check "bad USCC refused" 1 "$BIN" --db a.db enterprise add --uscc 914403052836347238 --name-zh 错 --roles seller
contains "bad check named" err.txt "check character"
check "show --json" 0 "$BIN" --db a.db enterprise show 914403052836347237 --json
contains "json has bureau" out.txt '"bureau_code": "440300"'
check "show unknown" 1 "$BIN" --db a.db enterprise show 911101089243040981

printf 'uscc,name_zh,roles\n911101089243040981,北京甲,seller\n911101089243040982,坏,seller\n,空,seller\n' > bad.csv
check "import with bad rows fails" 1 "$BIN" --db a.db enterprise import bad.csv
contains "import names line 3" err.txt "line 3, column uscc"
contains "import names line 4" err.txt "line 4, column uscc"
check "nothing imported" 0 "$BIN" --db a.db enterprise list --json
[ "$(grep -c '"uscc"' out.txt)" -eq 1 ] && passed=$((passed+1)) || { failed=$((failed+1)); echo "FAIL bad import wrote rows"; }
printf 'uscc,name_zh,roles\n911101089243040981,北京甲,seller\n' > good.csv
check "good import" 0 "$BIN" --db a.db enterprise import good.csv
check "list by bureau" 0 "$BIN" --db a.db enterprise list --bureau 110000
contains "listed Beijing" out.txt "911101089243040981"

echo 'correct horse battery' > pw
check "user add" 0 "$BIN" --db a.db user add alice --role bureau_officer --bureau 110000 --password-stdin < pw
check "user add without bureau" 1 "$BIN" --db a.db user add bob --role inspector --password-stdin < pw
contains "missing bureau named" err.txt "bound to a bureau"
check "user add short password" 1 "$BIN" --db a.db user add carol --role national_admin --password-stdin <<< "short"
check "user add generated password" 0 "$BIN" --db a.db user add dave --role national_admin
contains "generated password shown" out.txt "password: "
check "user list --json" 0 "$BIN" --db a.db user list --json
contains "alice listed" out.txt '"username": "alice"'
check "user disable" 0 "$BIN" --db a.db user disable alice
check "reset password" 0 "$BIN" --db a.db user reset-password dave --password-stdin < pw
check "disable unknown" 1 "$BIN" --db a.db user disable nobody

# Precedence: file < environment < flag.
echo "db = file.db" > c.conf
check "init via config file" 0 "$BIN" --config c.conf init
contains "config file used" out.txt "file.db"
check "env beats file" 0 env CRYPTOREG_DB=env.db "$BIN" --config c.conf init
contains "env used" out.txt "env.db"
check "flag beats env" 0 env CRYPTOREG_DB=env.db "$BIN" --config c.conf --db flag.db init
contains "flag used" out.txt "flag.db"
check "bad config key" 2 "$BIN" --config <(echo "colour = red") init
check "missing config file" 2 "$BIN" --config missing.conf init

check "backup" 0 "$BIN" --db a.db backup a.bak
check "backup never overwrites" 1 "$BIN" --db a.db backup a.bak
check "restore into a new file" 0 "$BIN" --db b.db restore a.bak
check "restored data present" 0 "$BIN" --db b.db enterprise show 911101089243040981
head -c 5000 a.bak > broken.bak
check "broken backup refused" 1 "$BIN" --db b.db restore broken.bak
check "data intact after refused restore" 0 "$BIN" --db b.db enterprise show 911101089243040981

check "demo refuses a non-empty registry" 1 "$BIN" --db a.db demo
check "demo --if-empty is quiet" 0 "$BIN" --db a.db demo --if-empty
check "demo on empty" 0 "$BIN" --db d.db demo --enterprises 40
contains "demo logins printed" out.txt "officer.sz"
[ "$(stat -c %a d.db.demo-logins.txt)" = 600 ] && passed=$((passed+1)) || { failed=$((failed+1)); echo "FAIL logins file not 0600"; }

# The legal calendar: shipped years, deadlines, loading a year from a file.
check "calendar list" 0 "$BIN" --db a.db calendar list
contains "shipped years listed" out.txt "国办发明电"
check "deadline across Spring Festival 2025" 0 "$BIN" --db a.db calendar deadline 2025-01-20 20
contains "deadline is 2025-02-21" out.txt "2025-02-21"
# A year far ahead, so that shipping next year's table does not change the test.
check "deadline into an unloaded year fails" 1 "$BIN" --db a.db calendar deadline 2035-06-01 5
contains "the missing year is named" err.txt "2035"
printf 'year,2035\nsource,"test"\ndate,kind,name\n2035-01-01,workday,Monday\n2035-02-30,holiday,no such day\n' > bad2035.csv
check "bad calendar file refused" 1 "$BIN" --db a.db calendar load bad2035.csv
contains "every bad line reported" err.txt "line 5"
check "bad file loaded nothing" 1 "$BIN" --db a.db calendar show 2035
# 2035-06-01 is a Friday; with 2035-06-05 a holiday, five working days end on 2035-06-11.
printf 'year,2035\nsource,"test source"\ndate,kind,name\n2035-06-05,holiday,Test holiday\n' > ok2035.csv
check "calendar load" 0 "$BIN" --db a.db calendar load ok2035.csv
check "deadline now computed" 0 "$BIN" --db a.db calendar deadline 2035-06-01 5
contains "deadline skips the holiday" out.txt "2035-06-11"
check "calendar show --json" 0 "$BIN" --db a.db calendar show 2035 --json
contains "source kept" out.txt "test source"
check "demo key directory is private" 0 test "$(stat -c %a d.db.keys)" = 700

# The transparency log: demo certificates are public acts; receipts verify offline; tampering is found.
check "log integrate" 0 "$BIN" --db d.db log integrate
contains "tree size printed" out.txt "signed tree size"
check "log key" 0 "$BIN" --db d.db log key
key=$(cat out.txt)
contains "SM2 vkey" out.txt "/log+"
check "log audit of an intact log" 0 "$BIN" --db d.db log audit
contains "audit consistent" out.txt "consistent"
check "log integrate is idempotent" 0 "$BIN" --db d.db log integrate
sqlite3 d.db "UPDATE log_hashes SET hash = zeroblob(32) WHERE level = 0 AND idx = 2"
check "audit finds an altered tile" 1 "$BIN" --db d.db log audit
contains "first bad index named" out.txt "index 2"
check "verify-receipt needs a key" 2 "$BIN" log verify-receipt nothing.txt
# An altered entry (the append-only trigger dropped first) and an altered checkpoint are named.
"$BIN" --db e.db demo --enterprises 40 >/dev/null 2>&1
check "fresh log integrated" 0 "$BIN" --db e.db log integrate
sqlite3 e.db "PRAGMA trusted_schema = 1; DROP TRIGGER log_entries_no_update; UPDATE log_entries SET entry = CAST(replace(CAST(entry AS TEXT), '2026', '2025') AS BLOB) WHERE idx = 4"
check "audit finds an altered entry" 1 "$BIN" --db e.db log audit
contains "the altered entry's index" out.txt "index 4"
"$BIN" --db f.db demo --enterprises 40 >/dev/null 2>&1
check "another log integrated" 0 "$BIN" --db f.db log integrate
sqlite3 f.db "PRAGMA trusted_schema = 1; DROP TRIGGER log_checkpoints_no_update; UPDATE log_checkpoints SET note = replace(note, char(10) || '10' || char(10), char(10) || '9' || char(10))"
check "audit finds an altered checkpoint" 1 "$BIN" --db f.db log audit
contains "the checkpoint is named" out.txt "checkpoint"
"$BIN" --db g.db demo --enterprises 40 >/dev/null 2>&1
check "a third log integrated" 0 "$BIN" --db g.db log integrate
sqlite3 g.db "PRAGMA trusted_schema = 1; DROP TRIGGER log_entries_no_delete; DELETE FROM log_entries WHERE idx = 6"
check "audit finds a deleted entry" 1 "$BIN" --db g.db log audit
contains "the missing index is named" out.txt "index 6"

# The annual sales filing through a running server's API (cryptoreg filing): a server on a
# fresh demo registry, API tokens made through the API, then submit, status and export.
# Demo facts: ent.beijing is enterprise 91110108100000198A, holder of SXH202100002 for
# SKF-3000 (valid all of 2025); officer.bj is bureau 110000, where 911101051000793857 must
# file too; the 2025 deadline (2026-02-02) has passed.
check "filing --help" 0 "$BIN" filing --help
contains "filing --help shows usage" out.txt "usage: cryptoreg filing"
"$BIN" --db h.db demo --enterprises 40 >/dev/null 2>&1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
"$BIN" --db h.db serve --listen "127.0.0.1:$port" >server.log 2>&1 &
srv=$!
trap 'kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 150); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
check "the server is up" 0 curl -sf "$url/healthz"
token_for() { # token_for USER FILE: signs USER in with the demo password and saves a new API token in FILE (0600)
  local pw csrf
  pw=$(awk -v u="$1" '$1 == u { print $2 }' h.db.demo-logins.txt)
  printf '{"username":"%s","password":"%s"}' "$1" "$pw" |
    curl -s -c "$1.jar" -H 'content-type: application/json' -d @- "$url/api/v1/session" >"$1.session"
  csrf=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$1.session")
  (umask 077; curl -s -b "$1.jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d '{"name":"cli test"}' "$url/api/v1/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' >"$2")
}
token_for ent.beijing ent.token
token_for officer.bj officer.token
check "API tokens were made" 0 test -s ent.token -a -s officer.token
header=sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use
printf '%s\n2025-03-14,SXH202100002,SKF-3000,120,organisation,北京某某科技有限公司,91110000600037341L,,,北京市海淀区中关村大街1号,010-62345678,数据加密\n2025-11-02,SXH202100002,SKF-3000,1,individual,张三,,resident_id,11010519491231002X,"上海市浦东新区, 世纪大道100号",13800138000,个人通信\n' "$header" >sales2025.csv
sm3=$(openssl dgst -sm3 -r sales2025.csv | cut -d' ' -f1)
check "filing submit" 0 "$BIN" filing submit --server "$url" --token-file ent.token --year 2025 sales2025.csv
contains "submit prints the new version" out.txt "received: version 1 "
contains "the server's SM3 is openssl's" out.txt "SM3 $sm3, submitted at "
contains "the local SM3 is checked" out.txt "local SM3 $sm3, the same as the server's"
contains "filed after the deadline" out.txt "late yes, log index "
check "the same file again" 0 "$BIN" filing submit --server "$url" --token-file ent.token --year 2025 sales2025.csv
contains "nothing new is stored" out.txt "unchanged: this file is already filed as version 1"
# Four bad lines, one problem each: a date outside 2025, no units, a bad buyer USCC, a model
# that no certificate of the filer covers.
printf '%s\n2024-12-31,SXH202100002,SKF-3000,5,organisation,甲,91110000600037341L,,,,,\n2025-02-01,SXH202100002,SKF-3000,0,organisation,乙,91110000600037341L,,,,,\n2025-02-02,SXH202100002,SKF-3000,5,organisation,丙,91110000600037342L,,,,,\n2025-02-03,SXH202100002,NO-SUCH-9,5,organisation,丁,91110000600037341L,,,,,\n' "$header" >bad2025.csv
check "a bad filing is refused" 1 "$BIN" filing submit --server "$url" --token-file ent.token --year 2025 bad2025.csv
cp err.txt bad2025.err # check overwrites err.txt
contains "the date's row" bad2025.err "line 2, column sale_date: "
contains "the quantity's row" bad2025.err "line 3, column quantity: "
contains "the USCC's row" bad2025.err "line 4, column buyer_uscc: "
contains "nothing stored" bad2025.err "nothing was stored"
check "every bad row is listed" 0 test "$(grep -c '^  line [0-9]*, column [a-z_]*: .* (.*)$' bad2025.err)" -eq 4
check "the officer may not file" 1 "$BIN" filing submit --server "$url" --token-file officer.token --year 2025 sales2025.csv
contains "the refusal is printed" err.txt "forbidden"
check "filing status as the officer" 0 "$BIN" filing status --server "$url" --token-file officer.token --year 2025
cp out.txt status.out
contains "status counts by state" status.out "2 enterprises to file for 2025: 0 on time, 1 late, 0 returned, 1 missing"
check "the enterprise filed late" 0 grep -Eq '^91110108100000198A +110000 +[0-9]+ +late +1 +submitted ' status.out
check "the other has not filed" 0 grep -Eq '^911101051000793857 +110000 +[0-9]+ +missing ' status.out
check "filing status --state missing" 0 "$BIN" filing status --server "$url" --token-file officer.token --year 2025 --state missing
contains "the missing one listed" out.txt "911101051000793857"
check "only the missing one" 0 test "$(grep -c '^9111010' out.txt)" -eq 1
check "another bureau is refused" 1 "$BIN" filing status --server "$url" --token-file officer.token --year 2025 --bureau 440000
contains "the officer's own bureau named" err.txt "110000"
check "filing status as the enterprise" 0 env CRYPTOREG_TOKEN="$(cat ent.token)" "$BIN" filing status --server "$url" --year 2025
contains "its own filing, by its SM3" out.txt "$sm3"
check "filing export csv" 0 "$BIN" filing export --server "$url" --token-file officer.token --year 2025 --format csv --out filings.csv
contains "csv header" filings.csv "uscc,name,bureau_code,certificates,state,"
check "csv: the late row" 0 grep -q '^91110108100000198A,.*,late,' filings.csv
check "csv: the missing row" 0 grep -q '^911101051000793857,.*,missing,' filings.csv
check "csv: header and two rows" 0 test "$(wc -l <filings.csv)" -eq 3
check "filing export xlsx" 0 "$BIN" filing export --server "$url" --token-file officer.token --year 2025 --format xlsx --out filings.xlsx
check "the xlsx is a sound zip" 0 python3 -c 'import sys, zipfile; assert zipfile.ZipFile(sys.argv[1]).testzip() is None' filings.xlsx
check "the xlsx holds the rows" 0 python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert any(b"911101051000793857" in z.read(n) for n in z.namelist())' filings.xlsx
echo old >kept.csv
check "a refused export" 1 "$BIN" filing export --server "$url" --token-file ent.token --year 2025 --format csv --out kept.csv
check "a refused export leaves the old file" 0 test "$(cat kept.csv)" = old
check "and no temporary file" 1 compgen -G 'kept.csv.*'
check "a bad token is refused" 1 env CRYPTOREG_TOKEN=crt_not_a_real_token "$BIN" filing status --server "$url" --year 2025
check "filing: no subcommand" 2 "$BIN" filing
check "filing: unknown subcommand" 2 "$BIN" filing frobnicate
check "filing: no --server" 2 "$BIN" filing status --token-file ent.token --year 2025
check "filing: no token" 2 env -u CRYPTOREG_TOKEN "$BIN" filing status --server "$url" --year 2025
check "filing: no token on the command line" 2 "$BIN" filing status --server "$url" --token "$(cat ent.token)" --year 2025
check "filing: no --year" 2 "$BIN" filing status --server "$url" --token-file ent.token
check "filing: a bad --year" 2 "$BIN" filing submit --server "$url" --token-file ent.token --year 25 sales2025.csv
check "filing: a bad --state" 2 "$BIN" filing status --server "$url" --token-file officer.token --year 2025 --state lost
check "filing: submit without a file" 2 "$BIN" filing submit --server "$url" --token-file ent.token --year 2025
check "filing: export without --out" 2 "$BIN" filing export --server "$url" --token-file officer.token --year 2025 --format csv
check "filing: export in a bad format" 2 "$BIN" filing export --server "$url" --token-file officer.token --year 2025 --format pdf --out x.pdf
kill -TERM "$srv"; wait "$srv"; code=$?
check "the server stops cleanly" 0 test "$code" -eq 0
[ "$code" -eq 0 ] || sed 's/^/  | /' server.log | tail -40

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
