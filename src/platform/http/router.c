/*
 * Matching a request's method and path against the routes of every
 * capability, gathered once into one table in the order of
 * src/capabilities.c.
 */
#include "platform/http/route.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "platform/capability.h"

#define MAX_PARAM_LEN 256
/* More routes than the API will hold; gathering stops (and says so) past it. */
#define ROUTES_MAX 1024

static const struct route *all_routes[ROUTES_MAX];
static size_t all_routes_len;
static pthread_once_t gathered = PTHREAD_ONCE_INIT;

static void gather_routes(void)
{
        for (size_t c = 0; c < capabilities_len; c++)
                for (size_t i = 0; i < capabilities[c]->routes_len; i++) {
                        if (all_routes_len == ROUTES_MAX)
                                abort(); /* a build with this many routes must raise the limit */
                        all_routes[all_routes_len++] = &capabilities[c]->routes[i];
                }
}

size_t route_count(void)
{
        pthread_once(&gathered, gather_routes);
        return all_routes_len;
}

const struct route *route_at(size_t i)
{
        pthread_once(&gathered, gather_routes);
        return i < all_routes_len ? all_routes[i] : NULL;
}

size_t route_index(const struct route *r)
{
        size_t n = route_count();

        for (size_t i = 0; r && i < n; i++)
                if (all_routes[i] == r)
                        return i;
        return n;
}

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

        size_t n = route_count();

        *path_known = 0;
        for (size_t i = 0; i < n; i++)
                if (strcmp(all_routes[i]->method, method) == 0 &&
                    match_pattern(all_routes[i]->pattern, path, params))
                        return all_routes[i];
        buf_init(&methods, allow_size ? allow_size - 1 : 0);
        for (size_t i = 0; i < n; i++) {
                if (match_pattern(all_routes[i]->pattern, path, NULL)) {
                        *path_known = 1;
                        if (methods.len)
                                buf_puts(&methods, ", ");
                        buf_puts(&methods, all_routes[i]->method);
                }
        }
        if (allow_size)
                str_copy(allow, allow_size, methods.data ? methods.data : "");
        buf_release(&methods);
        return NULL;
}
