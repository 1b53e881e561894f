/* Inside the registry's storage slice: how a user row is read, shared by users, sessions and tokens. */
#ifndef CR_REGISTRY_STORE_INT_H
#define CR_REGISTRY_STORE_INT_H

#include "platform/store/store_int.h"
#include "registry/user.h"

/* The columns of a user row, from a table aliased u, in the order repo_read_user reads them. */
#define USER_COLUMNS                                                                               \
        "u.id, u.username, u.display_name, u.role, u.bureau_code, u.enterprise_uscc, "             \
        "u.disabled, u.password_hash, u.created_at"

/* Reads USER_COLUMNS starting at column `first` (store_user.c; used by sessions and tokens too). */
void repo_read_user(struct db_stmt *st, int first, struct user *u);

#endif
