/* Matching a request's method and path against the route table. */
#include "platform/http/route.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define MAX_PARAM_LEN 256

/*
 * Matches path against pattern segment by segment; a "{name}" segment takes
 * any non-empty segment.  On a match, copies the parameters into params.
 */
static int match_pattern(const char *pattern, const char *path, char *params[HTTP_MAX_PARAMS])
{
        const char *p = pattern, *s = path;
        const char *starts[HTTP_MAX_PARAMS];
        size_t lens[HTTP_MAX_PARAMS];
        int n = 0;

        while (*p && *s) {
                if (*p == '{') {
                        const char *close = strchr(p, '}');
                        /* "{*}" at the end of a pattern takes the rest of the path, slashes too. */
                        size_t len =
                            strncmp(p, "{*}", 3) == 0 && p[3] == '\0' ? strlen(s) : strcspn(s, "/");
                        if (!close || len == 0 || len > MAX_PARAM_LEN || n == HTTP_MAX_PARAMS)
                                return 0;
                        starts[n] = s;
                        lens[n++] = len;
                        p = close + 1;
                        s += len;
                        continue;
                }
                if (*p != *s)
                        return 0;
                p++;
                s++;
        }
        if (*p || *s)
                return 0;
        if (params) {
                for (int i = 0; i < n; i++) {
                        params[i] = malloc(lens[i] + 1);
                        if (!params[i]) {
                                for (int j = 0; j < i; j++) {
                                        free(params[j]);
                                        params[j] = NULL;
                                }
                                return 0;
                        }
                        memcpy(params[i], starts[i], lens[i]);
                        params[i][lens[i]] = '\0';
                }
        }
        return 1;
}

const struct route *router_match(const char *method, const char *path,
                                 char *params[HTTP_MAX_PARAMS], int *path_known, char *allow,
                                 size_t allow_size)
{
        struct buf methods;

        *path_known = 0;
        for (size_t i = 0; i < routes_len; i++)
                if (strcmp(routes[i].method, method) == 0 &&
                    match_pattern(routes[i].pattern, path, params))
                        return &routes[i];
        buf_init(&methods, allow_size ? allow_size - 1 : 0);
        for (size_t i = 0; i < routes_len; i++) {
                if (match_pattern(routes[i].pattern, path, NULL)) {
                        *path_known = 1;
                        if (methods.len)
                                buf_puts(&methods, ", ");
                        buf_puts(&methods, routes[i].method);
                }
        }
        if (allow_size)
                str_copy(allow, allow_size, methods.data ? methods.data : "");
        buf_release(&methods);
        return NULL;
}
