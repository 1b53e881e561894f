/* The hash functions the log plugs into src/tlog: SM3 for the tree, SHA-256 for key IDs. */
#ifndef CR_TLOG_HASHERS_H
#define CR_TLOG_HASHERS_H

#include "tlog/merkle.h"

/* SM3 (via src/crypto); a failure aborts, as merkle.h asks: a wrong tree is worse than none. */
extern const struct tlog_hasher log_sm3_hasher;
/* SHA-256, which C2SP signed-note fixes for key IDs whatever the signature algorithm. */
extern const struct tlog_hasher log_sha256_hasher;

#endif
