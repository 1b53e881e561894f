/*
 * Rules set by law, as data: which approval items exist and which Notice 336
 * removed, how legacy documents are treated, the length of each statutory
 * period, and the reference lists (product categories, algorithms).  Every
 * rule carries the dates between which it applies and its citation, so the
 * system can answer "what applied on date D" and every decision it makes can
 * name the rule behind it.
 */
#ifndef CR_RULES_H
#define CR_RULES_H

#include <jansson.h>
#include <stddef.h>

enum rule_kind {
        RULE_APPROVAL_ITEM, /* an approval that may be applied for */
        RULE_REMOVED_ITEM,  /* an approval that is no longer accepted */
        RULE_LEGACY,        /* how documents of removed items are treated */
        RULE_DEADLINE,      /* a statutory period */
        RULE_VALIDITY,      /* how long a document is valid */
        RULE_WINDOW,        /* when something may be asked for */
};

struct rule {
        const char *id;
        enum rule_kind kind;
        const char *title_zh;
        const char *title_en;
        int value;                  /* the period's length; 0 when the rule has none */
        const char *unit;           /* working_days, days, years, or NULL */
        const char *effective_from; /* YYYY-MM-DD, inclusive */
        const char *effective_to;   /* YYYY-MM-DD, exclusive; NULL while in force */
        const char *citation;
};

extern const struct rule rules_table[];
extern const size_t rules_table_len;

/* The version of rule id in force on date (YYYY-MM-DD), or NULL if none is. */
const struct rule *rule_in_force(const char *id, const char *date);
/* The most recent version of rule id, whatever its dates, or NULL. */
const struct rule *rule_latest(const char *id);
json_t *rule_to_json(const struct rule *r);

/* An approval item: the four that Notice 336 removed and the type approval it kept. */
struct approval_item {
        const char *id;
        const char *zh;
        const char *en;
        const char *rule_open;    /* the rule under which it may be applied for */
        const char *rule_removed; /* the rule that removed it, or NULL */
};
extern const struct approval_item approval_items[];
extern const size_t approval_items_len;
const struct approval_item *approval_item_find(const char *id);

struct product_category {
        const char *id;
        const char *zh;
        const char *en;
};
extern const struct product_category product_categories[];
extern const size_t product_categories_len;
const struct product_category *product_category_find(const char *id);

#define ALG_MAX_KEY_SIZES 3
struct algorithm_spec {
        const char *name;
        int key_bits[ALG_MAX_KEY_SIZES]; /* allowed key lengths; all 0 for a hash */
        const char *standard;
};
extern const struct algorithm_spec algorithm_specs[];
extern const size_t algorithm_specs_len;
const struct algorithm_spec *algorithm_find(const char *name);

/* The labelled lists the console shows, as one JSON object (GET /api/v1/reference). */
json_t *reference_to_json(void);

#endif
