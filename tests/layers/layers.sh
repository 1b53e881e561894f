#!/bin/bash
# The layering test: fails when a file reaches past its layer (docs/architecture.md).
# A file's layer follows from where it is and what it is called:
#   core, tlog          libc and jansson only, and each other (tlog on core)
#   crypto              core and OpenSSL/libsodium; nothing above
#   platform/store      core and the database libraries; no capability, no HTTP
#   platform/http, jobs core, crypto, platform; no database header
#   a capability's domain (every other file in kernel/ and the capability folders)
#                       no HTTP, database or OpenSSL header, no wall clock
#   its storage slice (store*.c, migrations.c)  no HTTP, no OpenSSL
#   its handlers (routes*.c) and the CLI (src/cli)  no storage call past the
#                       platform's lifecycle (open, close, pool, backup, restore)
# Each rule prints every offending line; the test fails if any rule found one.
set -u
cd "$(dirname "$0")/../../src" || exit 2
failures=0

# rule NAME FILES... -- PATTERN: every line of FILES matching PATTERN is a failure.
rule() {
        local name=$1
        shift
        local files=()
        while [ "$1" != "--" ]; do
                files+=("$1")
                shift
        done
        shift
        [ ${#files[@]} -eq 0 ] && return
        local hits
        hits=$(grep -nE "$1" "${files[@]}" /dev/null)
        if [ -n "$hits" ]; then
                echo "not ok - $name"
                echo "$hits" | sed 's/^/    /'
                failures=$((failures + 1))
        else
                echo "ok - $name"
        fi
}

capabilities=(kernel registry licensing filing transparency)
domain=() storage=() handlers=()
for dir in "${capabilities[@]}"; do
        for f in "$dir"/*.c "$dir"/*.h; do
                case "$(basename "$f")" in
                store*.c | store*.h | migrations.c) storage+=("$f") ;;
                routes*.c | capability.c) handlers+=("$f") ;;
                *) domain+=("$f") ;;
                esac
        done
done
cli=(cli/*.c cli/*.h)

http_h='#include [<"](microhttpd\.h|platform/http/)'
db_h='#include [<"](sqlite3\.h|libpq-fe\.h|platform/store/db\.h|platform/store/store_int\.h)'
ssl_h='#include <(openssl|sodium)'
any_capability='#include "(kernel|registry|licensing|filing|transparency)/'

rule "core includes only core and the C library" core/*.c core/*.h -- \
        '#include "(crypto|tlog|platform|cli|kernel|registry|licensing|filing|transparency)/'
rule "tlog includes only core and tlog" tlog/*.c tlog/*.h -- \
        '#include "(crypto|platform|cli|kernel|registry|licensing|filing|transparency)/'
rule "crypto includes nothing above it" crypto/*.c crypto/*.h -- \
        '#include "(tlog|platform|cli|kernel|registry|licensing|filing|transparency)/'
rule "platform storage includes no capability and no HTTP" platform/store/*.c platform/store/*.h -- \
        "$any_capability|$http_h|$ssl_h"
rule "only platform storage includes a database header" \
        platform/http/*.c platform/http/*.h platform/jobs/*.c platform/jobs/*.h \
        "${domain[@]}" "${handlers[@]}" "${cli[@]}" -- "$db_h"
rule "only server.c includes microhttpd.h" platform/http/[!s]*.c platform/http/*.h \
        platform/jobs/*.c "${domain[@]}" "${storage[@]}" "${handlers[@]}" "${cli[@]}" -- \
        '#include <microhttpd\.h>'
rule "the domain includes no HTTP, database or OpenSSL header" "${domain[@]}" -- \
        "$http_h|$db_h|$ssl_h"
rule "storage slices include no HTTP or OpenSSL header" "${storage[@]}" -- "$http_h|$ssl_h"
rule "only crypto includes OpenSSL or libsodium" core/*.c tlog/*.c platform/*/*.c \
        "${domain[@]}" "${storage[@]}" "${handlers[@]}" "${cli[@]}" -- "$ssl_h"
# The platform's lifecycle calls are allowed to entry points; every other store_
# call from a handler or the CLI is reaching past the domain.
lifecycle='store_(open|close|pool_[a-z]+|backup|restore|verify_file|optimize|schema_version)\('
hits=$(grep -nE '\bstore_[a-z_]+\(' "${handlers[@]}" "${cli[@]}" | grep -vE "$lifecycle")
if [ -n "$hits" ]; then
        echo "not ok - handlers and the CLI reach storage only through the domain"
        echo "$hits" | sed 's/^/    /'
        failures=$((failures + 1))
else
        echo "ok - handlers and the CLI reach storage only through the domain"
fi
rule "the domain never reads the wall clock" "${domain[@]}" "${storage[@]}" -- \
        '\b(time\(NULL\)|time_now_rfc3339\(|clock_system\(|legal_today\(|clock_gettime\(|gettimeofday\()'
rule "banned.h is force-included by the compiler, not by hand" $(find . -name '*.[ch]') -- \
        '#include "core/banned\.h"'

echo "$failures failed"
[ "$failures" -eq 0 ]
