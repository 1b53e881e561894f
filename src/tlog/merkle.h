/*
 * The Merkle tree of cryptoreg's transparency log, as RFC 6962 / RFC 9162
 * section 2.1 define it: leaf hash H(0x00 || data), node hash
 * H(0x01 || left || right), the empty tree's root H().  The code is
 * hash-agnostic: the caller injects a 32-byte hash function, so the log runs
 * it with SM3 while the tests run it with SHA-256 against the published
 * Certificate Transparency vectors.  Nothing here includes OpenSSL.
 *
 * Vocabulary.  A tree of size n holds leaves 0..n-1.  A "node" (level L,
 * index k) is the root of the complete subtree over leaves
 * [k * 2^L, (k+1) * 2^L); it exists in a tree of size n once
 * (k+1) * 2^L <= n, and its hash never changes after that.  These are the
 * hashes a log stores (in tiles, see tlog/tile.h); every root and proof is
 * computed from them.
 *
 * Limits.  Tree sizes and leaf indexes are below 2^63 (TLOG_SIZE_MAX), so a
 * node's level is at most 62 and a proof has at most 64 hashes; every array
 * here has a fixed size and nothing allocates.
 */
#ifndef CR_TLOG_MERKLE_H
#define CR_TLOG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define TLOG_HASH_LEN  32
#define TLOG_SIZE_MAX  ((uint64_t)INT64_MAX) /* the largest tree size */
#define TLOG_LEVELS    63                    /* node levels 0..62 */
#define TLOG_PROOF_MAX 64 /* a consistency proof's bound; inclusion needs at most 63 */

/*
 * The injected hash: writes to out the 32-byte digest of the concatenation
 * of the n byte strings parts[i] of length lens[i].  It must not fail: an
 * adapter whose library can fail (an allocation inside OpenSSL) aborts,
 * because a tree built on a wrong hash is worse than a crash.  Taking parts
 * instead of one buffer lets node hashes avoid copying 65 bytes together.
 */
struct tlog_hasher {
        void (*hash)(void *ctx, const void *const *parts, const size_t *lens, size_t n,
                     uint8_t out[TLOG_HASH_LEN]);
        void *ctx;
};

/* The root of the complete subtree of 2^level leaves starting at leaf index << level. */
struct tlog_node {
        unsigned level;
        uint64_t index;
};

/* A node with its hash, as the frontier reports nodes that an append completed. */
struct tlog_node_hash {
        struct tlog_node node;
        uint8_t hash[TLOG_HASH_LEN];
};

/* A list of proof hashes, leaf side (or smaller tree side) first, as RFC 9162 orders them. */
struct tlog_proof {
        size_t len;
        uint8_t hash[TLOG_PROOF_MAX][TLOG_HASH_LEN];
};

/*
 * The stored-hash reader: fills out[i] with the hash of nodes[i] for i < n,
 * all of them complete in the tree of size tree_size.  Asking for a batch
 * lets a tile-backed reader fetch each tile once; tree_size tells it which
 * partial tiles exist.  It returns CR_OK, or an error it describes in e
 * (CR_ENOTFOUND for a hash it does not have, CR_ESTORE for a failed read).
 */
struct tlog_reader {
        enum cr_err (*read)(void *ctx, uint64_t tree_size, const struct tlog_node *nodes, size_t n,
                            uint8_t (*out)[TLOG_HASH_LEN], struct cr_error *e);
        void *ctx;
};

/* RFC 9162 2.1.1: the hash of leaf data, of an interior node, and of the empty tree. */
void tlog_leaf_hash(const struct tlog_hasher *h, const void *data, size_t len,
                    uint8_t out[TLOG_HASH_LEN]);
void tlog_node_hash(const struct tlog_hasher *h, const uint8_t left[TLOG_HASH_LEN],
                    const uint8_t right[TLOG_HASH_LEN], uint8_t out[TLOG_HASH_LEN]);
void tlog_empty_root(const struct tlog_hasher *h, uint8_t out[TLOG_HASH_LEN]);

/*
 * The frontier (a "compact range" over [0, size)): the hashes of the
 * complete subtrees that make up the tree so far, one per set bit of size,
 * hash[L] holding the one of 2^L leaves.  Appending a leaf costs one hash
 * per trailing one bit of size (two on average), so the integrator keeps
 * one frontier and never re-reads the tree.  A plain struct: no release.
 */
struct tlog_frontier {
        uint64_t size;
        uint8_t hash[TLOG_LEVELS][TLOG_HASH_LEN];
};

/* Makes f the frontier of the empty tree. */
void tlog_frontier_init(struct tlog_frontier *f);
/*
 * Appends one leaf hash.  If completed is not NULL it receives the nodes
 * that this append completed (the leaf itself first, then each new parent
 * up to the highest), at most TLOG_LEVELS of them, and *ncompleted their
 * count: exactly the hashes a log must store for the new size.  Fails with
 * CR_ETOOLARGE when the tree already has TLOG_SIZE_MAX leaves.
 */
enum cr_err tlog_frontier_append(struct tlog_frontier *f, const struct tlog_hasher *h,
                                 const uint8_t leaf[TLOG_HASH_LEN],
                                 struct tlog_node_hash completed[TLOG_LEVELS], size_t *ncompleted,
                                 struct cr_error *e);
/* The root (MTH) of the tree the frontier describes; the empty root for size 0. */
void tlog_frontier_root(const struct tlog_frontier *f, const struct tlog_hasher *h,
                        uint8_t out[TLOG_HASH_LEN]);
/* Rebuilds the frontier of the tree of size from stored hashes: one batch of popcount(size) reads.
 */
enum cr_err tlog_frontier_load(struct tlog_frontier *f, const struct tlog_reader *r, uint64_t size,
                               struct cr_error *e);

/* MTH of a list of n leaf hashes (RFC 9162 2.1.1), in O(n) hashes and no allocation. */
void tlog_root(const struct tlog_hasher *h, const uint8_t (*leaves)[TLOG_HASH_LEN], size_t n,
               uint8_t out[TLOG_HASH_LEN]);
/* The root of the tree of size from stored hashes (what an auditor recomputes per checkpoint). */
enum cr_err tlog_tree_root(const struct tlog_hasher *h, const struct tlog_reader *r, uint64_t size,
                           uint8_t out[TLOG_HASH_LEN], struct cr_error *e);

/*
 * RFC 9162 2.1.3.1: the inclusion proof of leaf index in the tree of size,
 * from stored hashes (one batch read).  CR_EINVAL if index >= size or size
 * exceeds TLOG_SIZE_MAX; the reader's error otherwise.
 */
enum cr_err tlog_prove_inclusion(const struct tlog_hasher *h, const struct tlog_reader *r,
                                 uint64_t index, uint64_t size, struct tlog_proof *out,
                                 struct cr_error *e);
/*
 * RFC 9162 2.1.4.1: the consistency proof from the tree of size1 to the
 * tree of size2, from stored hashes.  It is empty when size1 is 0 or equal
 * to size2.  CR_EINVAL if size1 > size2.
 */
enum cr_err tlog_prove_consistency(const struct tlog_hasher *h, const struct tlog_reader *r,
                                   uint64_t size1, uint64_t size2, struct tlog_proof *out,
                                   struct cr_error *e);

/*
 * RFC 9162 2.1.3.2: CR_OK if proof shows leaf at index in the tree of size
 * whose root is root; CR_EINVAL (code "tlog_proof_invalid") otherwise.
 * The size is bound to the proof only through the root: a proof for
 * (index, size) can also fit a different size with the same root, so the
 * root must be one trusted for that size (from a signed checkpoint).
 */
enum cr_err tlog_verify_inclusion(const struct tlog_hasher *h, uint64_t index, uint64_t size,
                                  const uint8_t leaf[TLOG_HASH_LEN], const struct tlog_proof *proof,
                                  const uint8_t root[TLOG_HASH_LEN], struct cr_error *e);
/*
 * RFC 9162 2.1.4.2: CR_OK if proof shows that the tree of size1 with root1
 * is a prefix of the tree of size2 with root2; CR_EINVAL otherwise.  Equal
 * sizes need an empty proof and equal roots; size1 0 needs an empty proof
 * (every tree extends the empty one), as transparency-dev/merkle decides.
 */
enum cr_err tlog_verify_consistency(const struct tlog_hasher *h, uint64_t size1, uint64_t size2,
                                    const struct tlog_proof *proof,
                                    const uint8_t root1[TLOG_HASH_LEN],
                                    const uint8_t root2[TLOG_HASH_LEN], struct cr_error *e);

#endif
