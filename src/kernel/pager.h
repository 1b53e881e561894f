/*
 * Cursor pagination shared by every list: ask the store for one row more
 * than the page holds; if it comes there is a next page, whose cursor is the
 * id of the last row shown.
 */
#ifndef CR_PAGER_H
#define CR_PAGER_H

#include <stdint.h>

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX     200

struct pager {
        int limit, seen, more;
        int64_t last_id;
};

/* Clamps *limit to 1..LIST_LIMIT_MAX (0 means the default), then widens it by one for the store. */
static inline void pager_start(struct pager *p, int *limit)
{
        if (*limit <= 0)
                *limit = LIST_LIMIT_DEFAULT;
        if (*limit > LIST_LIMIT_MAX)
                *limit = LIST_LIMIT_MAX;
        p->limit = *limit;
        p->seen = 0;
        p->more = 0;
        p->last_id = 0;
        (*limit)++;
}

/* Whether the row with this id belongs on the page (otherwise it only proves a next page). */
static inline int pager_take(struct pager *p, int64_t id)
{
        if (p->seen == p->limit) {
                p->more = 1;
                return 0;
        }
        p->seen++;
        p->last_id = id;
        return 1;
}

/* Restores *limit and returns the next page's cursor, or 0 at the end. */
static inline int64_t pager_finish(struct pager *p, int *limit)
{
        *limit = p->limit;
        return p->more ? p->last_id : 0;
}

#endif
