/* C2SP tlog-tiles arithmetic and tile path names; see tlog/tile.h. */
#include "tlog/tile.h"

#include <stdio.h>
#include <string.h>

#include "core/parse.h"

/* An index needs at most 6 groups of 3 digits: tiles start below 2^63 / 256 < 10^17. */
#define GROUPS_MAX 6

unsigned tlog_tile_width(int level, uint64_t index, uint64_t tree_size)
{
        uint64_t hashes, rest;
        unsigned shift;

        if (level == TLOG_TILE_LEVEL_ENTRIES)
                level = 0;
        if (level < 0 || level > TLOG_TILE_LEVEL_MAX)
                return 0;
        shift = (unsigned)level * TLOG_TILE_HEIGHT;
        if (shift >= 64)
                return 0;
        /* The complete nodes at tree level 8*L, of which this tile holds the 256 from 256*index. */
        hashes = tree_size >> shift;
        if (index > hashes / TLOG_TILE_WIDTH)
                return 0;
        rest = hashes - index * TLOG_TILE_WIDTH;
        return rest >= TLOG_TILE_WIDTH ? TLOG_TILE_WIDTH : (unsigned)rest;
}

/* True if some tree of at most TLOG_SIZE_MAX leaves has this tile at this width. */
static int tile_possible(const struct tlog_tile *t)
{
        return t->width >= 1 && t->width <= tlog_tile_width(t->level, t->index, TLOG_SIZE_MAX);
}

enum cr_err tlog_tile_path(const struct tlog_tile *t, char out[TLOG_TILE_PATH_MAX],
                           struct cr_error *e)
{
        unsigned groups[GROUPS_MAX];
        size_t ngroups = 0, len;
        uint64_t n = t->index;
        int w;

        if (!tile_possible(t))
                return cr_fail(e, CR_EINVAL, "tlog_bad_tile", "tile",
                               "no tile %d/%llu of width %u exists", t->level,
                               (unsigned long long)t->index, t->width);
        do {
                groups[ngroups++] = (unsigned)(n % 1000);
                n /= 1000;
        } while (n && ngroups < GROUPS_MAX);
        if (t->level == TLOG_TILE_LEVEL_ENTRIES)
                w = snprintf(out, TLOG_TILE_PATH_MAX, "tile/entries/");
        else
                w = snprintf(out, TLOG_TILE_PATH_MAX, "tile/%d/", t->level);
        len = (size_t)w;
        /* Most significant group first; every group but the last is a directory "xNNN". */
        while (ngroups > 1) {
                w = snprintf(out + len, TLOG_TILE_PATH_MAX - len, "x%03u/", groups[--ngroups]);
                len += (size_t)w;
        }
        w = snprintf(out + len, TLOG_TILE_PATH_MAX - len, "%03u", groups[0]);
        len += (size_t)w;
        if (t->width < TLOG_TILE_WIDTH)
                snprintf(out + len, TLOG_TILE_PATH_MAX - len, ".p/%u", t->width);
        return CR_OK;
}

/* Reads a decimal in [0, max] with no leading zeros from s[*at..len); -1 if there is none. */
static int read_decimal(const char *s, size_t len, size_t *at, unsigned max, unsigned *out)
{
        size_t n = parse_digit_span(s + *at, len - *at);
        uint64_t v;

        if (parse_uint64(s + *at, n, max, PARSE_NO_LEADING_ZERO, &v))
                return -1;
        *at += n;
        *out = (unsigned)v;
        return 0;
}

/* Reads exactly three digits, leading zeros included. */
static int read_group(const char *s, size_t len, size_t at, unsigned *out)
{
        uint64_t v;

        if (len - at < 3 || parse_uint64(s + at, 3, 999, 0, &v))
                return -1;
        *out = (unsigned)v;
        return 0;
}

static enum cr_err bad_path(struct cr_error *e)
{
        return cr_fail(e, CR_EINVAL, "tlog_bad_tile", "tile", "not a tile path");
}

enum cr_err tlog_tile_path_parse(const char *s, size_t len, struct tlog_tile *out,
                                 struct cr_error *e)
{
        static const char tile[] = "tile/", entries[] = "entries/";
        struct tlog_tile t = {0, 0, TLOG_TILE_WIDTH};
        size_t at = sizeof(tile) - 1, ngroups = 0;
        unsigned v;

        if (len < at || memcmp(s, tile, at) != 0)
                return bad_path(e);
        if (len - at >= sizeof(entries) - 1 && memcmp(s + at, entries, sizeof(entries) - 1) == 0) {
                t.level = TLOG_TILE_LEVEL_ENTRIES;
                at += sizeof(entries) - 1;
        } else {
                if (read_decimal(s, len, &at, TLOG_TILE_LEVEL_MAX, &v) || at >= len || s[at] != '/')
                        return bad_path(e);
                t.level = (int)v;
                at++;
        }
        /* Groups "xNNN/" then a final "NNN"; the first "x" group may not be "x000". */
        while (at < len && s[at] == 'x') {
                if (read_group(s, len, at + 1, &v) || at + 4 >= len || s[at + 4] != '/')
                        return bad_path(e);
                if (ngroups == 0 && v == 0)
                        return bad_path(e);
                if (++ngroups >= GROUPS_MAX)
                        return bad_path(e);
                t.index = t.index * 1000 + v;
                at += 5;
        }
        if (read_group(s, len, at, &v))
                return bad_path(e);
        t.index = t.index * 1000 + v;
        at += 3;
        if (at < len) {
                if (len - at < 3 || memcmp(s + at, ".p/", 3) != 0)
                        return bad_path(e);
                at += 3;
                if (read_decimal(s, len, &at, TLOG_TILE_WIDTH - 1, &v) || v == 0 || at != len)
                        return bad_path(e);
                t.width = v;
        }
        if (!tile_possible(&t))
                return bad_path(e);
        *out = t;
        return CR_OK;
}

enum cr_err tlog_tile_for_node(struct tlog_node node, uint64_t tree_size, struct tlog_tile *t,
                               unsigned *first, unsigned *count, struct cr_error *e)
{
        unsigned within;
        uint64_t pos;

        if (node.level >= TLOG_LEVELS || tree_size > TLOG_SIZE_MAX ||
            node.index >= (tree_size >> node.level))
                return cr_fail(e, CR_EINVAL, "tlog_bad_node", "node",
                               "node %u/%llu is not complete in a tree of %llu leaves", node.level,
                               (unsigned long long)node.index, (unsigned long long)tree_size);
        /* The node spans 2^within consecutive hashes of the tile level just below it. */
        within = node.level % TLOG_TILE_HEIGHT;
        pos = node.index << within;
        t->level = (int)(node.level / TLOG_TILE_HEIGHT);
        t->index = pos / TLOG_TILE_WIDTH;
        t->width = tlog_tile_width(t->level, t->index, tree_size);
        *first = (unsigned)(pos % TLOG_TILE_WIDTH);
        *count = 1u << within;
        return CR_OK;
}
