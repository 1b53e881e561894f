/*
 * RFC 6962 / RFC 9162 Merkle tree hashing, the incremental frontier, proof
 * generation from stored node hashes and proof verification.  See
 * tlog/merkle.h for the vocabulary; the algorithms follow the RFC's
 * recursive definitions, unrolled into loops over fixed-size arrays.
 */
#include "tlog/merkle.h"

#include <string.h>


/* A proof reads at most one node per item plus one incomplete item's nodes (see collect()). */
#define NODES_MAX (2 * TLOG_PROOF_MAX)

/* A run of leaves [start, start + count) whose MTH is one proof hash. */
struct range {
        uint64_t start;
        uint64_t count;
};

void tlog_leaf_hash(const struct tlog_hasher *h, const void *data, size_t len,
                    uint8_t out[TLOG_HASH_LEN])
{
        static const uint8_t prefix = 0x00;
        const void *parts[2] = {&prefix, data};
        size_t lens[2] = {1, len};

        h->hash(h->ctx, parts, lens, 2, out);
}

void tlog_node_hash(const struct tlog_hasher *h, const uint8_t left[TLOG_HASH_LEN],
                    const uint8_t right[TLOG_HASH_LEN], uint8_t out[TLOG_HASH_LEN])
{
        static const uint8_t prefix = 0x01;
        const void *parts[3] = {&prefix, left, right};
        size_t lens[3] = {1, TLOG_HASH_LEN, TLOG_HASH_LEN};
        uint8_t tmp[TLOG_HASH_LEN];

        /* out may alias left or right (callers fold in place), so hash into a temporary. */
        h->hash(h->ctx, parts, lens, 3, tmp);
        memcpy(out, tmp, TLOG_HASH_LEN);
}

void tlog_empty_root(const struct tlog_hasher *h, uint8_t out[TLOG_HASH_LEN])
{
        h->hash(h->ctx, NULL, NULL, 0, out);
}

/* The largest power of two strictly below n, for n >= 2: where MTH splits D[n]. */
static uint64_t split_point(uint64_t n)
{
        return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/*
 * Writes the nodes that tile the range [start, start + count), largest
 * first, and returns how many.  The range must start at a multiple of the
 * largest power of two in count, which every range in a proof does because
 * MTH only ever splits at powers of two.
 */
static size_t range_nodes(struct range r, struct tlog_node *out)
{
        size_t n = 0;

        for (int level = TLOG_LEVELS - 1; level >= 0; level--) {
                if ((r.count >> level) & 1) {
                        out[n].level = (unsigned)level;
                        out[n].index = r.start >> level;
                        n++;
                        r.start += (uint64_t)1 << level;
                }
        }
        return n;
}

void tlog_frontier_init(struct tlog_frontier *f)
{
        memset(f, 0, sizeof(*f));
}

enum cr_err tlog_frontier_append(struct tlog_frontier *f, const struct tlog_hasher *h,
                                 const uint8_t leaf[TLOG_HASH_LEN],
                                 struct tlog_node_hash completed[TLOG_LEVELS], size_t *ncompleted,
                                 struct cr_error *e)
{
        uint8_t node[TLOG_HASH_LEN];
        unsigned level = 0;
        size_t n = 0;

        if (f->size >= TLOG_SIZE_MAX)
                return cr_fail(e, CR_ETOOLARGE, "tlog_full", "size", "the log holds %llu leaves",
                               (unsigned long long)f->size);
        memcpy(node, leaf, TLOG_HASH_LEN);
        /* Each one bit at the bottom of size is a subtree that the new leaf now completes. */
        for (;;) {
                if (completed) {
                        completed[n].node.level = level;
                        completed[n].node.index = f->size >> level;
                        memcpy(completed[n].hash, node, TLOG_HASH_LEN);
                }
                n++;
                if (!((f->size >> level) & 1))
                        break;
                tlog_node_hash(h, f->hash[level], node, node);
                level++;
        }
        memcpy(f->hash[level], node, TLOG_HASH_LEN);
        f->size++;
        if (ncompleted)
                *ncompleted = n;
        return CR_OK;
}

void tlog_frontier_root(const struct tlog_frontier *f, const struct tlog_hasher *h,
                        uint8_t out[TLOG_HASH_LEN])
{
        int have = 0;

        if (f->size == 0) {
                tlog_empty_root(h, out);
                return;
        }
        /* The smallest subtree is the rightmost; each larger one joins on its left. */
        for (unsigned level = 0; level < TLOG_LEVELS; level++) {
                if (!((f->size >> level) & 1))
                        continue;
                if (!have) {
                        memcpy(out, f->hash[level], TLOG_HASH_LEN);
                        have = 1;
                } else {
                        tlog_node_hash(h, f->hash[level], out, out);
                }
        }
}

static enum cr_err check_size(uint64_t size, struct cr_error *e)
{
        if (size > TLOG_SIZE_MAX)
                return cr_fail(e, CR_EINVAL, "tlog_bad_size", "size",
                               "a tree size must be below 2^63");
        return CR_OK;
}

enum cr_err tlog_frontier_load(struct tlog_frontier *f, const struct tlog_reader *r, uint64_t size,
                               struct cr_error *e)
{
        struct tlog_node nodes[TLOG_LEVELS];
        uint8_t hashes[TLOG_LEVELS][TLOG_HASH_LEN];
        struct range all = {0, size};
        size_t n;
        enum cr_err err = check_size(size, e);

        if (err)
                return err;
        tlog_frontier_init(f);
        n = range_nodes(all, nodes);
        if (n) {
                err = r->read(r->ctx, size, nodes, n, hashes, e);
                if (err)
                        return err;
        }
        for (size_t i = 0; i < n; i++)
                memcpy(f->hash[nodes[i].level], hashes[i], TLOG_HASH_LEN);
        f->size = size;
        return CR_OK;
}

void tlog_root(const struct tlog_hasher *h, const uint8_t (*leaves)[TLOG_HASH_LEN], size_t n,
               uint8_t out[TLOG_HASH_LEN])
{
        struct tlog_frontier f;

        tlog_frontier_init(&f);
        /* A size_t count cannot reach TLOG_SIZE_MAX leaves in memory, so append cannot fail. */
        for (size_t i = 0; i < n; i++)
                (void)tlog_frontier_append(&f, h, leaves[i], NULL, NULL, NULL);
        tlog_frontier_root(&f, h, out);
}

enum cr_err tlog_tree_root(const struct tlog_hasher *h, const struct tlog_reader *r, uint64_t size,
                           uint8_t out[TLOG_HASH_LEN], struct cr_error *e)
{
        struct tlog_frontier f;
        enum cr_err err = tlog_frontier_load(&f, r, size, e);

        if (err)
                return err;
        tlog_frontier_root(&f, h, out);
        return CR_OK;
}

/*
 * Turns the ranges of a proof into hashes: lists every node of every range,
 * reads them all in one batch, then folds each range's nodes from the right
 * (MTH of an aligned range is H(first, MTH(rest))).  At most one range of a
 * proof is an incomplete right edge of many nodes; the others are single
 * complete subtrees, which bounds the batch by NODES_MAX.
 */
static enum cr_err collect(const struct tlog_hasher *h, const struct tlog_reader *r,
                           uint64_t tree_size, const struct range *ranges, size_t nranges,
                           struct tlog_proof *out, struct cr_error *e)
{
        struct tlog_node nodes[NODES_MAX + TLOG_LEVELS];
        uint8_t hashes[NODES_MAX + TLOG_LEVELS][TLOG_HASH_LEN];
        size_t first[TLOG_PROOF_MAX + 1];
        size_t n = 0;
        enum cr_err err;

        for (size_t i = 0; i < nranges; i++) {
                first[i] = n;
                n += range_nodes(ranges[i], nodes + n);
                if (n > NODES_MAX)
                        return cr_fail(e, CR_EINTERNAL, "tlog_internal", NULL,
                                       "a proof needed more than %d stored hashes", NODES_MAX);
        }
        first[nranges] = n;
        out->len = 0;
        if (n) {
                err = r->read(r->ctx, tree_size, nodes, n, hashes, e);
                if (err)
                        return err;
        }
        for (size_t i = 0; i < nranges; i++) {
                size_t last = first[i + 1] - 1;
                memcpy(out->hash[i], hashes[last], TLOG_HASH_LEN);
                while (last-- > first[i])
                        tlog_node_hash(h, hashes[last], out->hash[i], out->hash[i]);
        }
        out->len = nranges;
        return CR_OK;
}

enum cr_err tlog_prove_inclusion(const struct tlog_hasher *h, const struct tlog_reader *r,
                                 uint64_t index, uint64_t size, struct tlog_proof *out,
                                 struct cr_error *e)
{
        struct range outer[TLOG_PROOF_MAX], ranges[TLOG_PROOF_MAX];
        uint64_t lo = 0, n = size, m = index;
        size_t count = 0;
        enum cr_err err = check_size(size, e);

        if (err)
                return err;
        if (index >= size)
                return cr_fail(e, CR_EINVAL, "tlog_bad_index", "index",
                               "leaf %llu is not in a tree of %llu leaves",
                               (unsigned long long)index, (unsigned long long)size);
        /* PATH(m, D[lo:lo+n]) descends into the half holding m; the other half is a proof hash. */
        while (n > 1) {
                uint64_t k = split_point(n);
                if (m < k) {
                        outer[count++] = (struct range){lo + k, n - k};
                        n = k;
                } else {
                        outer[count++] = (struct range){lo, k};
                        lo += k;
                        m -= k;
                        n -= k;
                }
        }
        /* The descent met the root's sibling first; the proof starts at the leaf's. */
        for (size_t i = 0; i < count; i++)
                ranges[i] = outer[count - 1 - i];
        return collect(h, r, size, ranges, count, out, e);
}

enum cr_err tlog_prove_consistency(const struct tlog_hasher *h, const struct tlog_reader *r,
                                   uint64_t size1, uint64_t size2, struct tlog_proof *out,
                                   struct cr_error *e)
{
        struct range outer[TLOG_PROOF_MAX], ranges[TLOG_PROOF_MAX];
        uint64_t lo = 0, n = size2, m = size1;
        size_t count = 0, total = 0;
        int whole_old_tree = 1; /* SUBPROOF's b: still on the old tree's own root path */
        enum cr_err err = check_size(size2, e);

        if (err)
                return err;
        if (size1 > size2)
                return cr_fail(e, CR_EINVAL, "tlog_bad_size", "size",
                               "a tree of %llu leaves cannot extend one of %llu",
                               (unsigned long long)size2, (unsigned long long)size1);
        out->len = 0;
        if (size1 == 0 || size1 == size2)
                return CR_OK;
        while (m != n) {
                uint64_t k = split_point(n);
                if (m <= k) {
                        outer[count++] = (struct range){lo + k, n - k};
                        n = k;
                } else {
                        outer[count++] = (struct range){lo, k};
                        lo += k;
                        m -= k;
                        n -= k;
                        whole_old_tree = 0;
                }
        }
        /* When the old tree is not a complete subtree of the new, its last piece comes first. */
        if (!whole_old_tree)
                ranges[total++] = (struct range){lo, n};
        for (size_t i = 0; i < count; i++)
                ranges[total++] = outer[count - 1 - i];
        return collect(h, r, size2, ranges, total, out, e);
}

static enum cr_err proof_invalid(struct cr_error *e, const char *why)
{
        return cr_fail(e, CR_EINVAL, "tlog_proof_invalid", "proof", "the proof does not verify: %s",
                       why);
}

enum cr_err tlog_verify_inclusion(const struct tlog_hasher *h, uint64_t index, uint64_t size,
                                  const uint8_t leaf[TLOG_HASH_LEN], const struct tlog_proof *proof,
                                  const uint8_t root[TLOG_HASH_LEN], struct cr_error *e)
{
        uint8_t r[TLOG_HASH_LEN];
        uint64_t fn = index, sn;

        if (size > TLOG_SIZE_MAX || index >= size)
                return proof_invalid(e, "the index is not in the tree");
        if (proof->len > TLOG_PROOF_MAX)
                return proof_invalid(e, "too many hashes");
        sn = size - 1;
        memcpy(r, leaf, TLOG_HASH_LEN);
        for (size_t i = 0; i < proof->len; i++) {
                if (sn == 0)
                        return proof_invalid(e, "too many hashes");
                if ((fn & 1) || fn == sn) {
                        tlog_node_hash(h, proof->hash[i], r, r);
                        /* Levels where the path runs along the right edge have no sibling. */
                        while (!(fn & 1) && fn != 0) {
                                fn >>= 1;
                                sn >>= 1;
                        }
                } else {
                        tlog_node_hash(h, r, proof->hash[i], r);
                }
                fn >>= 1;
                sn >>= 1;
        }
        if (sn != 0)
                return proof_invalid(e, "too few hashes");
        if (memcmp(r, root, TLOG_HASH_LEN) != 0)
                return proof_invalid(e, "the root differs");
        return CR_OK;
}

enum cr_err tlog_verify_consistency(const struct tlog_hasher *h, uint64_t size1, uint64_t size2,
                                    const struct tlog_proof *proof,
                                    const uint8_t root1[TLOG_HASH_LEN],
                                    const uint8_t root2[TLOG_HASH_LEN], struct cr_error *e)
{
        uint8_t fr[TLOG_HASH_LEN], sr[TLOG_HASH_LEN];
        uint64_t fn, sn;
        size_t i = 0;

        if (size2 > TLOG_SIZE_MAX || size1 > size2)
                return proof_invalid(e, "the old tree is larger than the new");
        if (proof->len > TLOG_PROOF_MAX)
                return proof_invalid(e, "too many hashes");
        if (size1 == 0 || size1 == size2) {
                if (proof->len != 0)
                        return proof_invalid(e, "the proof must be empty");
                if (size1 != 0 && memcmp(root1, root2, TLOG_HASH_LEN) != 0)
                        return proof_invalid(e, "equal sizes with different roots");
                return CR_OK;
        }
        if (proof->len == 0)
                return proof_invalid(e, "the proof is empty");
        /* A complete old tree is a node of the new one; the proof leaves out its hash. */
        if ((size1 & (size1 - 1)) == 0) {
                memcpy(fr, root1, TLOG_HASH_LEN);
        } else {
                memcpy(fr, proof->hash[0], TLOG_HASH_LEN);
                i = 1;
        }
        memcpy(sr, fr, TLOG_HASH_LEN);
        fn = size1 - 1;
        sn = size2 - 1;
        while (fn & 1) {
                fn >>= 1;
                sn >>= 1;
        }
        for (; i < proof->len; i++) {
                const uint8_t *c = proof->hash[i];
                if (sn == 0)
                        return proof_invalid(e, "too many hashes");
                if ((fn & 1) || fn == sn) {
                        tlog_node_hash(h, c, fr, fr);
                        tlog_node_hash(h, c, sr, sr);
                        while (!(fn & 1) && fn != 0) {
                                fn >>= 1;
                                sn >>= 1;
                        }
                } else {
                        tlog_node_hash(h, sr, c, sr);
                }
                fn >>= 1;
                sn >>= 1;
        }
        if (sn != 0)
                return proof_invalid(e, "too few hashes");
        if (memcmp(fr, root1, TLOG_HASH_LEN) != 0)
                return proof_invalid(e, "the old root differs");
        if (memcmp(sr, root2, TLOG_HASH_LEN) != 0)
                return proof_invalid(e, "the new root differs");
        return CR_OK;
}
