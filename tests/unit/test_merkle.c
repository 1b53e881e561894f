/*
 * Unit tests of the transparency log's Merkle tree (src/tlog): the published
 * RFC 6962 vectors with SHA-256 plugged in, SM3 vectors worked out with the
 * openssl command line, every inclusion and consistency proof of every tree
 * up to 300 leaves against a naive transcription of the RFC's definitions,
 * corrupted proofs, C2SP tile arithmetic and paths, and receipts.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base64.h"
#include "core/buf.h"
#include "crypto/crypto.h"
#include "tlog/merkle.h"
#include "tlog/receipt.h"
#include "tlog/tile.h"
#include "unit.h"

typedef uint8_t hash_t[TLOG_HASH_LEN];

/*
 * Without fork, Check records every passing ck_assert (a write each), which
 * would dominate the millions of checks below; EXPECT calls into Check only
 * when the condition fails.
 */
#define EXPECT(cond)                                                                               \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        ck_abort_msg("expected %s", #cond);                                        \
        } while (0)

/* ---- The injected hashes: concatenate the parts, then call src/crypto. ---- */

typedef enum cr_err digest_fn(const void *data, size_t len, unsigned char out[32]);

static void concat_and_hash(digest_fn *digest, const void *const *parts, const size_t *lens,
                            size_t n, uint8_t out[TLOG_HASH_LEN])
{
        uint8_t small[256] = {0}, *p = small;
        size_t total = 0, at = 0;

        for (size_t i = 0; i < n; i++)
                total += lens[i];
        if (total > sizeof(small)) {
                p = malloc(total);
                if (!p)
                        abort();
        }
        for (size_t i = 0; i < n; i++) {
                if (lens[i])
                        memcpy(p + at, parts[i], lens[i]);
                at += lens[i];
        }
        /* A digest that fails would make every later assertion meaningless. */
        if (digest(p, total, out) != CR_OK)
                abort();
        if (p != small)
                free(p);
}

static void sha256_parts(void *ctx, const void *const *parts, const size_t *lens, size_t n,
                         uint8_t out[TLOG_HASH_LEN])
{
        concat_and_hash(sha256_digest, parts, lens, n, out);
}

static void sm3_parts(void *ctx, const void *const *parts, const size_t *lens, size_t n,
                      uint8_t out[TLOG_HASH_LEN])
{
        concat_and_hash(sm3_digest, parts, lens, n, out);
}

static const struct tlog_hasher SHA256 = {sha256_parts, NULL};
static const struct tlog_hasher SM3 = {sm3_parts, NULL};

static void unhex(const char *hex, uint8_t *out, size_t n)
{
        ck_assert_uint_eq(strlen(hex), 2 * n);
        for (size_t i = 0; i < n; i++) {
                unsigned v;
                ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
                out[i] = (uint8_t)v;
        }
}

static void assert_hash(const uint8_t *got, const char *want_hex)
{
        hash_t want;

        unhex(want_hex, want, TLOG_HASH_LEN);
        ck_assert_mem_eq(got, want, TLOG_HASH_LEN);
}

/* ---- A stored tree in memory: every complete node, as a log would keep them. ---- */

struct mem_tree {
        uint64_t size;
        hash_t *level[TLOG_LEVELS]; /* level[L][k] is node (L, k) */
        size_t calls;               /* reader calls, to check that proofs read one batch */
        size_t tile_mode;           /* 1: answer through tiles, as a tile-serving log would */
};

/* Builds the stored hashes with the frontier, which reports each node it completes. */
static struct mem_tree *mem_tree_build(const struct tlog_hasher *h, const hash_t *leaves,
                                       uint64_t n)
{
        struct mem_tree *t = calloc(1, sizeof(*t));
        struct tlog_frontier f;
        struct tlog_node_hash done[TLOG_LEVELS];
        size_t ndone;

        ck_assert_ptr_nonnull(t);
        for (unsigned l = 0; l < TLOG_LEVELS && (n >> l); l++) {
                t->level[l] = calloc((size_t)(n >> l), sizeof(hash_t));
                ck_assert_ptr_nonnull(t->level[l]);
        }
        tlog_frontier_init(&f);
        for (uint64_t i = 0; i < n; i++) {
                ck_assert_int_eq(tlog_frontier_append(&f, h, leaves[i], done, &ndone, NULL), CR_OK);
                ck_assert_uint_eq(done[0].node.level, 0);
                ck_assert_uint_eq(done[0].node.index, i);
                for (size_t j = 0; j < ndone; j++)
                        memcpy(t->level[done[j].node.level][done[j].node.index], done[j].hash,
                               TLOG_HASH_LEN);
        }
        t->size = n;
        return t;
}

static void mem_tree_free(struct mem_tree *t)
{
        for (unsigned l = 0; l < TLOG_LEVELS; l++)
                free(t->level[l]);
        free(t);
}

/*
 * The tile-backed way: find the tile that holds the node at this tree size,
 * take the tile's hashes (the stored nodes of level 8*L, only as many as
 * the tile's width at this size), and hash the node's run of them.
 */
static void node_from_tile(struct mem_tree *t, uint64_t tree_size, struct tlog_node node,
                           uint8_t out[TLOG_HASH_LEN])
{
        struct tlog_tile tile;
        unsigned first, count;
        const hash_t *hashes;

        EXPECT(tlog_tile_for_node(node, tree_size, &tile, &first, &count, NULL) == CR_OK);
        EXPECT(tile.width >= first + count);
        EXPECT(tile.width == tlog_tile_width(tile.level, tile.index, tree_size));
        hashes = t->level[tile.level * TLOG_TILE_HEIGHT] + tile.index * TLOG_TILE_WIDTH;
        tlog_root(&SHA256, hashes + first, count, out);
}

static enum cr_err mem_read(void *ctx, uint64_t tree_size, const struct tlog_node *nodes, size_t n,
                            uint8_t (*out)[TLOG_HASH_LEN], struct cr_error *e)
{
        struct mem_tree *t = ctx;

        t->calls++;
        EXPECT(tree_size <= t->size);
        for (size_t i = 0; i < n; i++) {
                /* A proof for a tree of tree_size may only need nodes complete in that tree. */
                EXPECT(nodes[i].index < tree_size >> nodes[i].level);
                if (t->tile_mode)
                        node_from_tile(t, tree_size, nodes[i], out[i]);
                else
                        memcpy(out[i], t->level[nodes[i].level][nodes[i].index], TLOG_HASH_LEN);
        }
        return CR_OK;
}

/* ---- A naive transcription of RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1, recursion and all. ---- */

static void ref_mth(const struct tlog_hasher *h, const hash_t *d, uint64_t n, uint8_t *out)
{
        uint64_t k = 1;
        hash_t l, r;

        if (n == 0) {
                tlog_empty_root(h, out);
                return;
        }
        if (n == 1) {
                memcpy(out, d[0], TLOG_HASH_LEN);
                return;
        }
        while (k * 2 < n)
                k *= 2;
        ref_mth(h, d, k, l);
        ref_mth(h, d + k, n - k, r);
        tlog_node_hash(h, l, r, out);
}

static void ref_push(struct tlog_proof *p, const struct tlog_hasher *h, const hash_t *d, uint64_t n)
{
        EXPECT(p->len < TLOG_PROOF_MAX);
        ref_mth(h, d, n, p->hash[p->len++]);
}

static void ref_path(const struct tlog_hasher *h, uint64_t m, const hash_t *d, uint64_t n,
                     struct tlog_proof *p)
{
        uint64_t k = 1;

        if (n <= 1)
                return;
        while (k * 2 < n)
                k *= 2;
        if (m < k) {
                ref_path(h, m, d, k, p);
                ref_push(p, h, d + k, n - k);
        } else {
                ref_path(h, m - k, d + k, n - k, p);
                ref_push(p, h, d, k);
        }
}

static void ref_subproof(const struct tlog_hasher *h, uint64_t m, const hash_t *d, uint64_t n,
                         int b, struct tlog_proof *p)
{
        uint64_t k = 1;

        if (m == n) {
                if (!b)
                        ref_push(p, h, d, n);
                return;
        }
        while (k * 2 < n)
                k *= 2;
        if (m <= k) {
                ref_subproof(h, m, d, k, b, p);
                ref_push(p, h, d + k, n - k);
        } else {
                ref_subproof(h, m - k, d + k, n - k, 0, p);
                ref_push(p, h, d, k);
        }
}

static void assert_proof_eq(const struct tlog_proof *a, const struct tlog_proof *b)
{
        EXPECT(a->len == b->len);
        for (size_t i = 0; i < a->len; i++)
                EXPECT(memcmp(a->hash[i], b->hash[i], TLOG_HASH_LEN) == 0);
}

/* ---- The RFC 6962 test leaves, shared by the SHA-256 and SM3 vectors. ---- */

static const char *const ct_leaves_hex[8] = {"",
                                             "00",
                                             "10",
                                             "2021",
                                             "3031",
                                             "40414243",
                                             "5051525354555657",
                                             "606162636465666768696a6b6c6d6e6f"};

static void ct_leaf_hashes(const struct tlog_hasher *h, hash_t out[8])
{
        for (int i = 0; i < 8; i++) {
                uint8_t data[16];
                size_t n = strlen(ct_leaves_hex[i]) / 2;
                unhex(ct_leaves_hex[i], data, n);
                tlog_leaf_hash(h, data, n, out[i]);
        }
}

static void proof_from_hex(struct tlog_proof *p, const char *const *hex, size_t n)
{
        p->len = n;
        for (size_t i = 0; i < n; i++)
                unhex(hex[i], p->hash[i], TLOG_HASH_LEN);
}

/*
 * SHA-256 vectors published by transparency-dev/merkle (the Go successor of
 * the Certificate Transparency reference code): testonly/constants.go for
 * the leaf hashes, node hashes and roots of the first 0..8 leaves, and
 * proof/verify_test.go for the inclusion and consistency proofs.  The
 * latter numbers leaves from 1; the indexes here are 0-based.
 */
static const char *const ct_roots[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static const char *const ct_nodes[4][8] = {
    {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
    {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
    {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
    {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
};

struct proof_vector {
        uint64_t a, b; /* index and size, or size1 and size2 */
        size_t len;
        const char *hash[3];
};

static const struct proof_vector ct_inclusion[] = {
    {0, 1, 0, {NULL}},
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct proof_vector ct_consistency[] = {
    {1, 1, 0, {NULL}},
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

START_TEST(test_ct_sha256_vectors)
{
        hash_t leaves[8], root;
        struct mem_tree *t;
        struct tlog_reader r;
        struct tlog_proof got, want;
        struct tlog_frontier f;
        const char *empty = "";

        ct_leaf_hashes(&SHA256, leaves);
        t = mem_tree_build(&SHA256, leaves, 8);
        r = (struct tlog_reader){mem_read, t};
        /* SHA-256 of nothing is the empty tree's root. */
        tlog_empty_root(&SHA256, root);
        assert_hash(root, ct_roots[0]);
        tlog_leaf_hash(&SHA256, empty, 0, root);
        assert_hash(root, ct_nodes[0][0]);
        for (unsigned l = 0; l < 4; l++)
                for (unsigned k = 0; k < (8u >> l); k++)
                        assert_hash(t->level[l][k], ct_nodes[l][k]);
        for (size_t n = 0; n <= 8; n++) {
                tlog_root(&SHA256, (const hash_t *)leaves, n, root);
                assert_hash(root, ct_roots[n]);
                ck_assert_int_eq(tlog_tree_root(&SHA256, &r, n, root, NULL), CR_OK);
                assert_hash(root, ct_roots[n]);
                ck_assert_int_eq(tlog_frontier_load(&f, &r, n, NULL), CR_OK);
                tlog_frontier_root(&f, &SHA256, root);
                assert_hash(root, ct_roots[n]);
        }
        for (size_t i = 0; i < sizeof(ct_inclusion) / sizeof(ct_inclusion[0]); i++) {
                const struct proof_vector *v = &ct_inclusion[i];
                hash_t want_root;
                proof_from_hex(&want, v->hash, v->len);
                ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &r, v->a, v->b, &got, NULL), CR_OK);
                assert_proof_eq(&got, &want);
                unhex(ct_roots[v->b], want_root, TLOG_HASH_LEN);
                ck_assert_int_eq(tlog_verify_inclusion(&SHA256, v->a, v->b, leaves[v->a], &want,
                                                       want_root, NULL),
                                 CR_OK);
        }
        for (size_t i = 0; i < sizeof(ct_consistency) / sizeof(ct_consistency[0]); i++) {
                const struct proof_vector *v = &ct_consistency[i];
                hash_t r1, r2;
                proof_from_hex(&want, v->hash, v->len);
                ck_assert_int_eq(tlog_prove_consistency(&SHA256, &r, v->a, v->b, &got, NULL),
                                 CR_OK);
                assert_proof_eq(&got, &want);
                unhex(ct_roots[v->a], r1, TLOG_HASH_LEN);
                unhex(ct_roots[v->b], r2, TLOG_HASH_LEN);
                ck_assert_int_eq(tlog_verify_consistency(&SHA256, v->a, v->b, &want, r1, r2, NULL),
                                 CR_OK);
        }
        mem_tree_free(t);
}
END_TEST

/*
 * SM3 vectors worked out without this code: only `openssl dgst -sm3` and
 * xxd, by this bash script (which, with -sha256 in place of -sm3, prints
 * the transparency-dev roots above, so the script itself is checked):
 *
 *   h() { openssl dgst -sm3 -binary | xxd -p -c 64; }
 *   leaf() { { printf '\x00'; printf '%s' "$1" | xxd -r -p; } | h; }
 *   node() { { printf '\x01'; printf '%s' "$1" | xxd -r -p;
 *              printf '%s' "$2" | xxd -r -p; } | h; }
 *   mth() { # START COUNT over the array LH of leaf hashes, RFC 9162 2.1.1
 *     local s=$1 n=$2 k=1
 *     if [ "$n" -eq 1 ]; then echo "${LH[$s]}"; return; fi
 *     while [ $((k * 2)) -lt "$n" ]; do k=$((k * 2)); done
 *     node "$(mth "$s" "$k")" "$(mth $((s + k)) $((n - k)))"; }
 *   printf '' | h                            # the empty root
 *   LH[i]=$(leaf <hex of test leaf i>)       # for i in 0..7
 *   mth 0 N                                  # the root of N leaves
 *   # inclusion of 2 in 5: LH[3] $(mth 0 2) LH[4]
 *   # consistency 3 to 7:  LH[2] LH[3] $(mth 0 2) $(mth 4 3)
 */
static const char *const sm3_roots[9] = {
    "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
    "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
    "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
    "209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56",
    "28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377",
    "bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b",
    "8723c1ab1f82ddfba4a3733ac0c80d936d9f4c208c7dbc8cc81ca9fff8584f66",
    "bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2",
    "bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38",
};

static const char *const sm3_leaves[8] = {
    "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
    "af83a966222057ac761246a7543c580d9111014f4e5e3cb1281db33151160335",
    "c93540f0356ca5170858329e6d483f335894dac0de71c64ff8b51cba68cce396",
    "796e7bd749551d8e3dbd787d5fdbc62771c9a04db51a53bdbc004211f606ee6a",
    "a798bfdb4164a6c7b41a6faecc5c3155cf04d38929dcbd4fe21dea29071aac64",
    "bdef7645a857eba09bc053c20941500cbd26db7477bc4f0c43ef955befc4ea80",
    "0ce032204aaf0d2493c226ac2199c3ea4a51c8ce383f485836943605076c0f4b",
    "23b277dd1b61b16e0bf6e2b6de7a2866687bfab49c172e0c53b9c89fc360709e",
};

START_TEST(test_sm3_vectors)
{
        static const char *const incl_2_5[] = {
            "796e7bd749551d8e3dbd787d5fdbc62771c9a04db51a53bdbc004211f606ee6a",
            "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
            "a798bfdb4164a6c7b41a6faecc5c3155cf04d38929dcbd4fe21dea29071aac64"};
        static const char *const cons_3_7[] = {
            "c93540f0356ca5170858329e6d483f335894dac0de71c64ff8b51cba68cce396",
            "796e7bd749551d8e3dbd787d5fdbc62771c9a04db51a53bdbc004211f606ee6a",
            "0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
            "6f59d73facf2001681a4932aa0ec3c8006b2911c498c6dda229de1b618670d4e"};
        hash_t leaves[8], root, r3, r5, r7;
        struct mem_tree *t;
        struct tlog_reader r;
        struct tlog_proof got, want;
        struct tlog_frontier f;

        ct_leaf_hashes(&SM3, leaves);
        for (int i = 0; i < 8; i++)
                assert_hash(leaves[i], sm3_leaves[i]);
        tlog_frontier_init(&f);
        for (size_t n = 0; n <= 8; n++) {
                tlog_frontier_root(&f, &SM3, root);
                assert_hash(root, sm3_roots[n]);
                if (n < 8)
                        ck_assert_int_eq(
                            tlog_frontier_append(&f, &SM3, leaves[n], NULL, NULL, NULL), CR_OK);
        }
        t = mem_tree_build(&SM3, leaves, 8);
        r = (struct tlog_reader){mem_read, t};
        unhex(sm3_roots[3], r3, TLOG_HASH_LEN);
        unhex(sm3_roots[5], r5, TLOG_HASH_LEN);
        unhex(sm3_roots[7], r7, TLOG_HASH_LEN);
        proof_from_hex(&want, incl_2_5, 3);
        ck_assert_int_eq(tlog_prove_inclusion(&SM3, &r, 2, 5, &got, NULL), CR_OK);
        assert_proof_eq(&got, &want);
        ck_assert_int_eq(tlog_verify_inclusion(&SM3, 2, 5, leaves[2], &got, r5, NULL), CR_OK);
        proof_from_hex(&want, cons_3_7, 4);
        ck_assert_int_eq(tlog_prove_consistency(&SM3, &r, 3, 7, &got, NULL), CR_OK);
        assert_proof_eq(&got, &want);
        ck_assert_int_eq(tlog_verify_consistency(&SM3, 3, 7, &got, r3, r7, NULL), CR_OK);
        /* The SHA-256 proof of the same shape is no SM3 proof. */
        ck_assert_int_ne(tlog_verify_consistency(&SHA256, 3, 7, &got, r3, r7, NULL), CR_OK);
        mem_tree_free(t);
}
END_TEST

/* ---- Every proof of every tree up to 300 leaves. ---- */

#define EXHAUSTIVE_N 300u
#define REFERENCE_N  64 /* below this the naive RFC recursion checks each proof's every hash */

static hash_t *ex_leaves;
static hash_t ex_roots[EXHAUSTIVE_N + 2];
static struct mem_tree *ex_tree;

static void exhaustive_setup(void)
{
        ex_leaves = calloc(EXHAUSTIVE_N + 1, sizeof(hash_t));
        ck_assert_ptr_nonnull(ex_leaves);
        for (uint32_t i = 0; i <= EXHAUSTIVE_N; i++) {
                uint8_t data[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8),
                                   (uint8_t)i};
                tlog_leaf_hash(&SHA256, data, sizeof(data), ex_leaves[i]);
        }
        ex_tree = mem_tree_build(&SHA256, ex_leaves, EXHAUSTIVE_N + 1);
        /* Roots from the naive recursion, so the frontier is checked against the definition. */
        for (uint64_t n = 0; n <= EXHAUSTIVE_N + 1; n++)
                ref_mth(&SHA256, (const hash_t *)ex_leaves, n, ex_roots[n]);
}

static void exhaustive_teardown(void)
{
        mem_tree_free(ex_tree);
        free(ex_leaves);
}

START_TEST(test_frontier_and_stored_nodes)
{
        struct tlog_reader r = {mem_read, ex_tree};
        struct tlog_frontier inc, loaded;
        hash_t root;

        /* Every node the frontier reported is the MTH of its leaves. */
        for (unsigned l = 0; (EXHAUSTIVE_N + 1) >> l; l++)
                for (uint64_t k = 0; k < ((EXHAUSTIVE_N + 1) >> l); k++) {
                        ref_mth(&SHA256, (const hash_t *)ex_leaves + (k << l), (uint64_t)1 << l,
                                root);
                        ck_assert_mem_eq(ex_tree->level[l][k], root, TLOG_HASH_LEN);
                }
        tlog_frontier_init(&inc);
        for (uint64_t n = 0; n <= EXHAUSTIVE_N + 1; n++) {
                tlog_frontier_root(&inc, &SHA256, root);
                ck_assert_mem_eq(root, ex_roots[n], TLOG_HASH_LEN);
                ck_assert_int_eq(tlog_frontier_load(&loaded, &r, n, NULL), CR_OK);
                ck_assert_uint_eq(loaded.size, n);
                tlog_frontier_root(&loaded, &SHA256, root);
                ck_assert_mem_eq(root, ex_roots[n], TLOG_HASH_LEN);
                tlog_root(&SHA256, (const hash_t *)ex_leaves, n, root);
                ck_assert_mem_eq(root, ex_roots[n], TLOG_HASH_LEN);
                /* A loaded frontier keeps growing like the incremental one. */
                if (n <= EXHAUSTIVE_N) {
                        ck_assert_int_eq(
                            tlog_frontier_append(&loaded, &SHA256, ex_leaves[n], NULL, NULL, NULL),
                            CR_OK);
                        tlog_frontier_root(&loaded, &SHA256, root);
                        ck_assert_mem_eq(root, ex_roots[n + 1], TLOG_HASH_LEN);
                        ck_assert_int_eq(
                            tlog_frontier_append(&inc, &SHA256, ex_leaves[n], NULL, NULL, NULL),
                            CR_OK);
                }
        }
}
END_TEST

/* Which bits get flipped in proof hash k: all 256 in small trees, one rotating bit elsewhere. */
static unsigned flip_count(uint64_t n)
{
        return n <= 16 ? 8 * TLOG_HASH_LEN : 1;
}

static unsigned flip_bit(uint64_t a, uint64_t b, size_t k, unsigned j)
{
        return (unsigned)((a * 131 + b * 37 + k * 11 + j) % (8 * TLOG_HASH_LEN));
}

static int incl_ok(uint64_t i, uint64_t n, const uint8_t *leaf, const struct tlog_proof *p,
                   const uint8_t *root)
{
        return tlog_verify_inclusion(&SHA256, i, n, leaf, p, root, NULL) == CR_OK;
}

static int cons_ok(uint64_t m, uint64_t n, const struct tlog_proof *p, const uint8_t *r1,
                   const uint8_t *r2)
{
        return tlog_verify_consistency(&SHA256, m, n, p, r1, r2, NULL) == CR_OK;
}

START_TEST(test_every_inclusion_proof)
{
        struct tlog_reader r = {mem_read, ex_tree};
        struct tlog_proof p, ref, bad;
        size_t verified = 0;

        for (uint64_t n = 1; n <= EXHAUSTIVE_N; n++) {
                const uint8_t *root = ex_roots[n];
                for (uint64_t i = 0; i < n; i++) {
                        const uint8_t *leaf = ex_leaves[i];
                        size_t calls = ex_tree->calls;
                        EXPECT(tlog_prove_inclusion(&SHA256, &r, i, n, &p, NULL) == CR_OK);
                        EXPECT(ex_tree->calls - calls <= 1);
                        if (n <= REFERENCE_N) {
                                ref.len = 0;
                                ref_path(&SHA256, i, (const hash_t *)ex_leaves, n, &ref);
                                assert_proof_eq(&p, &ref);
                        }
                        if (!incl_ok(i, n, leaf, &p, root))
                                ck_abort_msg("%llu in %llu", (unsigned long long)i,
                                             (unsigned long long)n);
                        verified++;
                        /* The wrong index, the wrong leaf, a wrong size with its own root. */
                        EXPECT(!incl_ok(i + 1, n, leaf, &p, root));
                        EXPECT(i == 0 || !incl_ok(i - 1, n, leaf, &p, root));
                        EXPECT(!incl_ok(i ^ 2, n, leaf, &p, root));
                        EXPECT(n == 1 || !incl_ok(i, n, ex_leaves[(i + 1) % n], &p, root));
                        EXPECT(!incl_ok(i, n + 1, leaf, &p, ex_roots[n + 1]));
                        EXPECT(i >= n - 1 || !incl_ok(i, n - 1, leaf, &p, ex_roots[n - 1]));
                        EXPECT(!incl_ok(i, n, leaf, &p, ex_roots[n - 1]));
                        /* One hash more, one fewer. */
                        bad = p;
                        memcpy(bad.hash[bad.len++], root, TLOG_HASH_LEN);
                        EXPECT(!incl_ok(i, n, leaf, &bad, root));
                        if (p.len) {
                                bad.len = p.len - 1;
                                EXPECT(!incl_ok(i, n, leaf, &bad, root));
                        }
                        /* Any flipped bit of any proof hash. */
                        for (size_t k = 0; k < p.len; k++)
                                for (unsigned j = 0; j < flip_count(n); j++) {
                                        unsigned bit = flip_bit(i, n, k, j);
                                        p.hash[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                                        EXPECT(!incl_ok(i, n, leaf, &p, root));
                                        p.hash[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                                }
                }
        }
        EXPECT(verified == EXHAUSTIVE_N * (EXHAUSTIVE_N + 1) / 2);
}
END_TEST

START_TEST(test_every_consistency_proof)
{
        struct tlog_reader r = {mem_read, ex_tree};
        struct tlog_proof p, ref, bad;

        for (uint64_t n = 1; n <= EXHAUSTIVE_N; n++) {
                for (uint64_t m = 1; m <= n; m++) {
                        const uint8_t *r1 = ex_roots[m], *r2 = ex_roots[n];
                        size_t calls = ex_tree->calls;
                        EXPECT(tlog_prove_consistency(&SHA256, &r, m, n, &p, NULL) == CR_OK);
                        EXPECT(ex_tree->calls - calls <= 1);
                        if (n <= REFERENCE_N) {
                                ref.len = 0;
                                if (m < n)
                                        ref_subproof(&SHA256, m, (const hash_t *)ex_leaves, n, 1,
                                                     &ref);
                                assert_proof_eq(&p, &ref);
                        }
                        if (!cons_ok(m, n, &p, r1, r2))
                                ck_abort_msg("%llu to %llu", (unsigned long long)m,
                                             (unsigned long long)n);
                        if (m == n) {
                                EXPECT(p.len == 0);
                                EXPECT(!cons_ok(m, n, &p, r1, ex_roots[n - 1]));
                                continue;
                        }
                        /* Wrong sizes (each with its own root), swapped or wrong roots. */
                        EXPECT(m == 1 || !cons_ok(m - 1, n, &p, ex_roots[m - 1], r2));
                        EXPECT(!cons_ok(m + 1, n, &p, ex_roots[m + 1], r2));
                        EXPECT(!cons_ok(m, n - 1, &p, r1, ex_roots[n - 1]));
                        EXPECT(!cons_ok(m, n + 1, &p, r1, ex_roots[n + 1]));
                        EXPECT(!cons_ok(m, n, &p, r2, r1));
                        EXPECT(!cons_ok(m, n, &p, ex_roots[m - 1], r2));
                        EXPECT(!cons_ok(m, n, &p, r1, ex_roots[n + 1]));
                        /* Empty, one hash more in front or behind, one fewer. */
                        bad.len = 0;
                        EXPECT(!cons_ok(m, n, &bad, r1, r2));
                        bad = p;
                        memcpy(bad.hash[bad.len++], r2, TLOG_HASH_LEN);
                        EXPECT(!cons_ok(m, n, &bad, r1, r2));
                        bad.len = p.len + 1;
                        memmove(bad.hash[1], p.hash[0], p.len * TLOG_HASH_LEN);
                        memcpy(bad.hash[0], r1, TLOG_HASH_LEN);
                        EXPECT(!cons_ok(m, n, &bad, r1, r2));
                        bad = p;
                        bad.len--;
                        EXPECT(!cons_ok(m, n, &bad, r1, r2));
                        for (size_t k = 0; k < p.len; k++)
                                for (unsigned j = 0; j < flip_count(n); j++) {
                                        unsigned bit = flip_bit(m, n, k, j);
                                        p.hash[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                                        EXPECT(!cons_ok(m, n, &p, r1, r2));
                                        p.hash[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                                }
                }
        }
}
END_TEST

START_TEST(test_proof_edges)
{
        struct tlog_reader r = {mem_read, ex_tree};
        struct tlog_proof p;
        struct cr_error e = CR_ERROR_INIT;
        hash_t empty;

        tlog_empty_root(&SHA256, empty);
        ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &r, 0, 0, &p, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "tlog_bad_index");
        ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &r, 5, 5, &p, NULL), CR_EINVAL);
        ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &r, 0, TLOG_SIZE_MAX + 1, &p, NULL),
                         CR_EINVAL);
        ck_assert_int_eq(tlog_prove_consistency(&SHA256, &r, 6, 5, &p, NULL), CR_EINVAL);
        /* From the empty tree every tree is consistent, with an empty proof. */
        ck_assert_int_eq(tlog_prove_consistency(&SHA256, &r, 0, 5, &p, NULL), CR_OK);
        ck_assert_uint_eq(p.len, 0);
        ck_assert_int_eq(tlog_verify_consistency(&SHA256, 0, 5, &p, empty, ex_roots[5], NULL),
                         CR_OK);
        ck_assert_int_eq(tlog_verify_consistency(&SHA256, 0, 0, &p, empty, empty, NULL), CR_OK);
        ck_assert_int_eq(tlog_verify_consistency(&SHA256, 5, 4, &p, ex_roots[5], ex_roots[4], &e),
                         CR_EINVAL);
        ck_assert_str_eq(e.code, "tlog_proof_invalid");
        p.len = 1;
        memcpy(p.hash[0], empty, TLOG_HASH_LEN);
        ck_assert_int_ne(tlog_verify_consistency(&SHA256, 0, 5, &p, empty, ex_roots[5], NULL),
                         CR_OK);
        ck_assert_int_ne(tlog_verify_consistency(&SHA256, 5, 5, &p, ex_roots[5], ex_roots[5], NULL),
                         CR_OK);
        /* Nothing is included in the empty tree; a one-leaf tree's root is its leaf. */
        p.len = 0;
        ck_assert_int_ne(tlog_verify_inclusion(&SHA256, 0, 0, ex_leaves[0], &p, empty, NULL),
                         CR_OK);
        ck_assert_int_eq(tlog_verify_inclusion(&SHA256, 0, 1, ex_leaves[0], &p, ex_roots[1], NULL),
                         CR_OK);
        /*
         * The size is bound only through the root, as merkle.h warns: leaf 4
         * sits at the same place in trees of 7 and 8 leaves, so the proof for
         * 7 "verifies" for a claimed size of 8 against the root of 7.  Only a
         * root trusted for the claimed size (the checkpoint's) makes it fail.
         */
        ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &r, 4, 7, &p, NULL), CR_OK);
        ck_assert_int_eq(tlog_verify_inclusion(&SHA256, 4, 8, ex_leaves[4], &p, ex_roots[7], NULL),
                         CR_OK);
        ck_assert_int_ne(tlog_verify_inclusion(&SHA256, 4, 8, ex_leaves[4], &p, ex_roots[8], NULL),
                         CR_OK);
        p.len = TLOG_PROOF_MAX + 1;
        ck_assert_int_ne(tlog_verify_inclusion(&SHA256, 0, 1, ex_leaves[0], &p, ex_roots[1], NULL),
                         CR_OK);
        cr_error_clear(&e);
}
END_TEST

/* The largest tree: proofs stay within their bounds at the edge of the 63-bit range. */
static enum cr_err zero_read(void *ctx, uint64_t tree_size, const struct tlog_node *nodes, size_t n,
                             uint8_t (*out)[TLOG_HASH_LEN], struct cr_error *e)
{
        size_t *calls = ctx;

        (*calls)++;
        for (size_t i = 0; i < n; i++) {
                ck_assert_uint_lt(nodes[i].index, tree_size >> nodes[i].level);
                memset(out[i], (int)nodes[i].level, TLOG_HASH_LEN);
        }
        return CR_OK;
}

START_TEST(test_huge_trees)
{
        size_t calls = 0;
        struct tlog_reader r = {zero_read, &calls};
        struct tlog_proof p;
        struct tlog_frontier f;
        const uint64_t max = TLOG_SIZE_MAX;

        ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &r, max - 1, max, &p, NULL), CR_OK);
        ck_assert_uint_eq(p.len, 62);
        ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &r, 0, max, &p, NULL), CR_OK);
        ck_assert_uint_eq(p.len, 63);
        ck_assert_int_eq(tlog_prove_consistency(&SHA256, &r, max - 2, max, &p, NULL), CR_OK);
        ck_assert_uint_le(p.len, TLOG_PROOF_MAX);
        ck_assert_int_eq(tlog_prove_consistency(&SHA256, &r, 3, max, &p, NULL), CR_OK);
        ck_assert_uint_le(p.len, TLOG_PROOF_MAX);
        ck_assert_int_eq(tlog_frontier_load(&f, &r, max, NULL), CR_OK);
        ck_assert_int_eq(tlog_frontier_append(&f, &SHA256, p.hash[0], NULL, NULL, NULL),
                         CR_ETOOLARGE);
        f.size = max - 1;
        ck_assert_int_eq(tlog_frontier_append(&f, &SHA256, p.hash[0], NULL, NULL, NULL), CR_OK);
}
END_TEST

/* ---- C2SP tlog-tiles. ---- */

static void assert_path(int level, uint64_t index, unsigned width, const char *want)
{
        struct tlog_tile t = {level, index, width}, back;
        char path[TLOG_TILE_PATH_MAX];

        ck_assert_int_eq(tlog_tile_path(&t, path, NULL), CR_OK);
        ck_assert_str_eq(path, want);
        ck_assert_int_eq(tlog_tile_path_parse(want, strlen(want), &back, NULL), CR_OK);
        ck_assert_int_eq(back.level, level);
        ck_assert_uint_eq(back.index, index);
        ck_assert_uint_eq(back.width, width);
}

START_TEST(test_tile_paths)
{
        static const char *const bad[] = {
            "tile/0/0",
            "tile/0/0000",
            "tile/00/000",
            "tile/01/000",
            "tile/0/x000/001",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/01",
            "tile/0/000.p/",
            "tile/0/000/",
            "tile/0/000.p/1/",
            "tile/64/000",
            "tile/8/000",
            "tile/-1/000",
            "tile/0/x1/000",
            "tile/0/X001/000",
            "tile/0/x001000",
            "tile/entries/",
            "tile/entries/x000/001",
            "/tile/0/000",
            "tile/0/000 ",
            "tile//000",
            "tiles/0/000",
            "tile/0/",
            "tile/0/x001/x002/x003/x004/x005/x006/007",
            "tile/0/x036/x028/x797/x018/x963/967",
            "tile/0/x036/x028/x797/x018/x963/968.p/1",
            "tile/7/000.p/128",
            "tile/1/x140/x737/x488/x355/328",
            "tile/0/000.p/+1",
            "tile/0/00a",
            "",
        };
        struct tlog_tile t = {0, 0, 0};
        char path[TLOG_TILE_PATH_MAX];

        /* The spec's own example: index 1234067 is x001/x234/067. */
        assert_path(0, 1234067, 256, "tile/0/x001/x234/067");
        assert_path(0, 1234067, 8, "tile/0/x001/x234/067.p/8");
        assert_path(TLOG_TILE_LEVEL_ENTRIES, 1234067, 256, "tile/entries/x001/x234/067");
        assert_path(TLOG_TILE_LEVEL_ENTRIES, 0, 1, "tile/entries/000.p/1");
        assert_path(0, 0, 256, "tile/0/000");
        assert_path(1, 1000, 255, "tile/1/x001/000.p/255");
        assert_path(2, 999, 17, "tile/2/999.p/17");
        /* The last level-0 tile below 2^63 leaves is partial, 255 wide; level 7 has 127 hashes. */
        assert_path(0, 36028797018963967ull, 255, "tile/0/x036/x028/x797/x018/x963/967.p/255");
        assert_path(7, 0, 127, "tile/7/000.p/127");
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(tlog_tile_path_parse(bad[i], strlen(bad[i]), &t, NULL) == CR_EINVAL,
                              "accepted %s", bad[i]);
        t = (struct tlog_tile){0, 0, 0};
        ck_assert_int_eq(tlog_tile_path(&t, path, NULL), CR_EINVAL);
        t = (struct tlog_tile){8, 0, 1};
        ck_assert_int_eq(tlog_tile_path(&t, path, NULL), CR_EINVAL);
}
END_TEST

START_TEST(test_tile_widths)
{
        /*
         * The spec's example: a tree of 70,000 leaves has 273 full level 0
         * tiles, one partial of width 112, one full level 1 tile, one partial
         * level 1 tile of width 17 and one partial level 2 tile of width 1;
         * one of 256 leaves has a full level 0 tile and a level 1 tile of width 1.
         */
        ck_assert_uint_eq(tlog_tile_width(0, 272, 70000), 256);
        ck_assert_uint_eq(tlog_tile_width(0, 273, 70000), 112);
        ck_assert_uint_eq(tlog_tile_width(0, 274, 70000), 0);
        ck_assert_uint_eq(tlog_tile_width(TLOG_TILE_LEVEL_ENTRIES, 273, 70000), 112);
        ck_assert_uint_eq(tlog_tile_width(1, 0, 70000), 256);
        ck_assert_uint_eq(tlog_tile_width(1, 1, 70000), 17);
        ck_assert_uint_eq(tlog_tile_width(1, 2, 70000), 0);
        ck_assert_uint_eq(tlog_tile_width(2, 0, 70000), 1);
        ck_assert_uint_eq(tlog_tile_width(3, 0, 70000), 0);
        ck_assert_uint_eq(tlog_tile_width(0, 0, 256), 256);
        ck_assert_uint_eq(tlog_tile_width(0, 1, 256), 0);
        ck_assert_uint_eq(tlog_tile_width(1, 0, 256), 1);
        ck_assert_uint_eq(tlog_tile_width(0, 0, 0), 0);
        ck_assert_uint_eq(tlog_tile_width(64, 0, TLOG_SIZE_MAX), 0);
        ck_assert_uint_eq(tlog_tile_width(0, UINT64_MAX, TLOG_SIZE_MAX), 0);
}
END_TEST

START_TEST(test_tile_for_node)
{
        struct tlog_tile t;
        unsigned first, count;

        /* A leaf is one hash of a level 0 tile. */
        ck_assert_int_eq(
            tlog_tile_for_node((struct tlog_node){0, 69999}, 70000, &t, &first, &count, NULL),
            CR_OK);
        ck_assert_int_eq(t.level, 0);
        ck_assert_uint_eq(t.index, 273);
        ck_assert_uint_eq(t.width, 112);
        ck_assert_uint_eq(first, 111);
        ck_assert_uint_eq(count, 1);
        /* Node (3, 40) spans leaves 320..327: hashes 64..71 of level 0 tile 1. */
        ck_assert_int_eq(
            tlog_tile_for_node((struct tlog_node){3, 40}, 70000, &t, &first, &count, NULL), CR_OK);
        ck_assert_int_eq(t.level, 0);
        ck_assert_uint_eq(t.index, 1);
        ck_assert_uint_eq(t.width, 256);
        ck_assert_uint_eq(first, 64);
        ck_assert_uint_eq(count, 8);
        /* Node (8, 5) is hash 5 of level 1 tile 0; node (9, 135) hashes 14..15 of tile 1. */
        ck_assert_int_eq(
            tlog_tile_for_node((struct tlog_node){8, 5}, 70000, &t, &first, &count, NULL), CR_OK);
        ck_assert_int_eq(t.level, 1);
        ck_assert_uint_eq(t.index, 0);
        ck_assert_uint_eq(first, 5);
        ck_assert_uint_eq(count, 1);
        ck_assert_int_eq(
            tlog_tile_for_node((struct tlog_node){9, 135}, 70000, &t, &first, &count, NULL), CR_OK);
        ck_assert_int_eq(t.level, 1);
        ck_assert_uint_eq(t.index, 1);
        ck_assert_uint_eq(t.width, 17);
        ck_assert_uint_eq(first, 14);
        ck_assert_uint_eq(count, 2);
        /* Incomplete nodes have no tile. */
        ck_assert_int_eq(
            tlog_tile_for_node((struct tlog_node){0, 70000}, 70000, &t, &first, &count, NULL),
            CR_EINVAL);
        ck_assert_int_eq(
            tlog_tile_for_node((struct tlog_node){9, 136}, 70000, &t, &first, &count, NULL),
            CR_EINVAL);
        ck_assert_int_eq(
            tlog_tile_for_node((struct tlog_node){63, 0}, TLOG_SIZE_MAX, &t, &first, &count, NULL),
            CR_EINVAL);
}
END_TEST

/*
 * Proofs computed from tiles alone equal proofs from the stored nodes, in a
 * tree large enough for three tile levels: the tile arithmetic and the
 * proof code agree on which hashes exist at each size.
 */
START_TEST(test_proofs_from_tiles)
{
        const uint64_t big = 70000;
        hash_t *leaves = calloc(big, sizeof(hash_t)), root;
        struct mem_tree *t;
        struct tlog_reader r;
        struct tlog_proof direct, tiled;
        static const uint64_t sizes[] = {1, 255, 256, 257, 65535, 65536, 65537, 69999, 70000};

        ck_assert_ptr_nonnull(leaves);
        for (uint32_t i = 0; i < big; i++) {
                uint8_t data[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8),
                                   (uint8_t)i};
                tlog_leaf_hash(&SHA256, data, sizeof(data), leaves[i]);
        }
        t = mem_tree_build(&SHA256, leaves, big);
        r = (struct tlog_reader){mem_read, t};
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
                uint64_t n = sizes[s];
                hash_t want;
                t->tile_mode = 0;
                ck_assert_int_eq(tlog_tree_root(&SHA256, &r, n, want, NULL), CR_OK);
                t->tile_mode = 1;
                ck_assert_int_eq(tlog_tree_root(&SHA256, &r, n, root, NULL), CR_OK);
                ck_assert_mem_eq(root, want, TLOG_HASH_LEN);
                for (uint64_t i = 0; i < n; i += 1 + n / 7) {
                        uint64_t idx[2] = {i, n - 1 - i};
                        for (int k = 0; k < 2; k++) {
                                t->tile_mode = 0;
                                ck_assert_int_eq(
                                    tlog_prove_inclusion(&SHA256, &r, idx[k], n, &direct, NULL),
                                    CR_OK);
                                t->tile_mode = 1;
                                ck_assert_int_eq(
                                    tlog_prove_inclusion(&SHA256, &r, idx[k], n, &tiled, NULL),
                                    CR_OK);
                                assert_proof_eq(&direct, &tiled);
                                ck_assert_int_eq(tlog_verify_inclusion(&SHA256, idx[k], n,
                                                                       leaves[idx[k]], &tiled, root,
                                                                       NULL),
                                                 CR_OK);
                        }
                        if (i == 0)
                                continue;
                        t->tile_mode = 0;
                        ck_assert_int_eq(tlog_prove_consistency(&SHA256, &r, i, n, &direct, NULL),
                                         CR_OK);
                        t->tile_mode = 1;
                        ck_assert_int_eq(tlog_prove_consistency(&SHA256, &r, i, n, &tiled, NULL),
                                         CR_OK);
                        assert_proof_eq(&direct, &tiled);
                }
        }
        mem_tree_free(t);
        free(leaves);
}
END_TEST

/* ---- Receipts (C2SP tlog-proof) and their base64. ---- */

START_TEST(test_base64)
{
        static const struct {
                const char *plain, *b64;
        } ok[] = {{"", ""},
                  {"f", "Zg=="},
                  {"fo", "Zm8="},
                  {"foo", "Zm9v"},
                  {"foob", "Zm9vYg=="},
                  {"fooba", "Zm9vYmE="},
                  {"foobar", "Zm9vYmFy"}};
        static const char *const bad[] = {"Zg",   "Zg=",    "Zh==", "Zm9=", "Zm9vY===", "Zg==Zg==",
                                          "Zm 9", "Zm9v\n", "Zm-v", "Zm_v", "=Zm9",     "Zm=v"};
        uint8_t out[16];
        char enc[16];
        size_t n;

        /* RFC 4648 section 10. */
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                size_t len = strlen(ok[i].plain);
                base64_encode(ok[i].plain, len, enc);
                ck_assert_uint_eq(BASE64_LEN(len), strlen(ok[i].b64));
                ck_assert_mem_eq(enc, ok[i].b64, strlen(ok[i].b64));
                ck_assert_int_eq(base64_decode(ok[i].b64, strlen(ok[i].b64), out, sizeof(out), &n),
                                 0);
                ck_assert_uint_eq(n, len);
                ck_assert_mem_eq(out, ok[i].plain, len);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(base64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n) != 0,
                              "accepted %s", bad[i]);
        ck_assert_int_ne(base64_decode("Zm9vYmFy", 8, out, 5, &n), 0);
}
END_TEST

/* The example of https://c2sp.org/tlog-proof, signatures elided as the spec elides them. */
static const char spec_receipt[] = "c2sp.org/tlog-proof@v1\n"
                                   "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
                                   "index 73894\n"
                                   "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
                                   "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
                                   "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
                                   "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
                                   "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
                                   "\n"
                                   "example.com/fancylog\n"
                                   "109482\n"
                                   "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
                                   "\n"
                                   "\xe2\x80\x94 example.com/fancylog hI2DJw[...]1roloI=\n"
                                   "\xe2\x80\x94 witness1.example mJirIklj[...]qY9v2B/5bg==\n";

static void assert_round_trip(const char *text, size_t len, struct tlog_receipt *r)
{
        struct buf b;

        ck_assert_int_eq(tlog_receipt_parse(text, len, r, NULL), CR_OK);
        buf_init(&b, TLOG_RECEIPT_MAX);
        ck_assert_int_eq(tlog_receipt_format(r, &b, NULL), CR_OK);
        ck_assert_uint_eq(b.len, len);
        ck_assert_mem_eq(b.data, text, len);
        buf_release(&b);
}

START_TEST(test_receipt_spec_example)
{
        struct tlog_receipt *r = malloc(sizeof(*r));

        ck_assert_ptr_nonnull(r);
        assert_round_trip(spec_receipt, strlen(spec_receipt), r);
        ck_assert(r->has_extra);
        ck_assert_uint_eq(r->extra_len, 39);
        ck_assert_mem_eq(r->extra, "age-v1.2.1-darwin-arm64.tar.gz", 30);
        ck_assert_uint_eq(r->index, 73894);
        ck_assert_uint_eq(r->proof.len, 5);
        ck_assert_uint_eq(r->proof.hash[0][0], 0x81);
        ck_assert_uint_eq(r->proof.hash[4][31], 0xf9);
        ck_assert_uint_eq(r->checkpoint_len,
                          strlen(spec_receipt) -
                              (size_t)(strstr(spec_receipt, "example.com") - spec_receipt));
        ck_assert_mem_eq(r->checkpoint, "example.com/fancylog\n109482\n", 28);
        free(r);
}
END_TEST

/* A receipt made from a real proof verifies after a trip through its text. */
START_TEST(test_receipt_issue_and_verify)
{
        struct tlog_reader rd = {mem_read, ex_tree};
        struct tlog_receipt *r = calloc(1, sizeof(*r)), *back = malloc(sizeof(*back));
        char checkpoint[256], root_b64[BASE64_LEN(TLOG_HASH_LEN) + 1] = {0};
        struct buf b;
        const uint64_t size = 300, index = 137;

        ck_assert_ptr_nonnull(r);
        ck_assert_ptr_nonnull(back);
        base64_encode(ex_roots[size], TLOG_HASH_LEN, root_b64);
        snprintf(checkpoint, sizeof(checkpoint),
                 "cryptoreg.example/log\n%llu\n%s\n\n\xe2\x80\x94 cryptoreg.example/log AAAA\n",
                 (unsigned long long)size, root_b64);
        ck_assert_int_eq(tlog_prove_inclusion(&SHA256, &rd, index, size, &r->proof, NULL), CR_OK);
        r->index = index;
        r->checkpoint = checkpoint;
        r->checkpoint_len = strlen(checkpoint);
        buf_init(&b, TLOG_RECEIPT_MAX);
        ck_assert_int_eq(tlog_receipt_format(r, &b, NULL), CR_OK);
        ck_assert_int_eq(tlog_receipt_parse(b.data, b.len, back, NULL), CR_OK);
        ck_assert(!back->has_extra);
        ck_assert_uint_eq(back->index, index);
        ck_assert_uint_eq(back->checkpoint_len, strlen(checkpoint));
        ck_assert_mem_eq(back->checkpoint, checkpoint, strlen(checkpoint));
        ck_assert_int_eq(tlog_verify_inclusion(&SHA256, back->index, size, ex_leaves[index],
                                               &back->proof, ex_roots[size], NULL),
                         CR_OK);
        /* With extra data, empty or full, and with no hashes at all. */
        r->has_extra = true;
        r->extra_len = 0;
        buf_reset(&b);
        ck_assert_int_eq(tlog_receipt_format(r, &b, NULL), CR_OK);
        ck_assert_ptr_nonnull(strstr(b.data, "\nextra \nindex 137\n"));
        assert_round_trip(b.data, b.len, back);
        r->extra_len = TLOG_RECEIPT_EXTRA_MAX;
        memset(r->extra, 0xA5, r->extra_len);
        r->proof.len = 0;
        buf_reset(&b);
        ck_assert_int_eq(tlog_receipt_format(r, &b, NULL), CR_OK);
        assert_round_trip(b.data, b.len, back);
        ck_assert_uint_eq(back->extra_len, TLOG_RECEIPT_EXTRA_MAX);
        /* What the parser would refuse, the formatter refuses to write. */
        r->extra_len = TLOG_RECEIPT_EXTRA_MAX + 1;
        ck_assert_int_eq(tlog_receipt_format(r, &b, NULL), CR_EINVAL);
        r->extra_len = 0;
        r->index = TLOG_SIZE_MAX;
        ck_assert_int_eq(tlog_receipt_format(r, &b, NULL), CR_EINVAL);
        r->index = 0;
        r->checkpoint_len--;
        ck_assert_int_eq(tlog_receipt_format(r, &b, NULL), CR_EINVAL);
        buf_release(&b);
        free(r);
        free(back);
}
END_TEST

START_TEST(test_receipt_rejects)
{
#define H  "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
#define CP "log.example\n5\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n- log.example AAAA\n"
        static const char *const ok[] = {
            "c2sp.org/tlog-proof@v1\nindex 0\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 9223372036854775806\n" H "\n" CP,
            "c2sp.org/tlog-proof@v1\nextra AA==\nindex 4\n" H H "\n" CP,
        };
        static const char *const bad[] = {
            "",
            "c2sp.org/tlog-proof@v1\n",
            "c2sp.org/tlog-proof@v2\nindex 0\n\n" CP,
            "c2sp.org/tlog-proof@v1 \nindex 0\n\n" CP,
            "c2sp.org/tlog-proof@v1\r\nindex 0\r\n\r\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\r\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 01\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex -1\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex +1\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex \n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex  1\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 1 \n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 9223372036854775807\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\n" CP,
            "c2sp.org/tlog-proof@v1\n\nindex 0\n\n" CP,
            "c2sp.org/tlog-proof@v1\nextra A\nindex 0\n\n" CP,
            "c2sp.org/tlog-proof@v1\nextra AB==\nindex 0\n\n" CP,
            "c2sp.org/tlog-proof@v1\nextra AA==\nextra AA==\nindex 0\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\nextra AA==\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\n" H,
            "c2sp.org/tlog-proof@v1\nindex 0\n" H "\n",
            "c2sp.org/tlog-proof@v1\nindex 0\n\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\n\nlog.example\n5",
            "c2sp.org/tlog-proof@v1\nindex 0\n" H " \n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\ngSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\ngSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlR=\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\ngSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPl==\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex 0\nZm9v\n\n" CP,
            "c2sp.org/tlog-proof@v1\nindex "
            "0\ngSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=gSKy\n\n" CP,
        };
        struct tlog_receipt *r = malloc(sizeof(*r));
        struct cr_error e = CR_ERROR_INIT;
        char *big;
        size_t at;

        ck_assert_ptr_nonnull(r);
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                assert_round_trip(ok[i], strlen(ok[i]), r);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(tlog_receipt_parse(bad[i], strlen(bad[i]), r, NULL) == CR_EINVAL,
                              "accepted case %zu", i);
        /* A NUL inside the checkpoint. */
        {
                static const char nul[] = "c2sp.org/tlog-proof@v1\nindex 0\n\nlog\0x\n";
                ck_assert_int_eq(tlog_receipt_parse(nul, sizeof(nul) - 1, r, &e), CR_EINVAL);
                ck_assert_str_eq(e.code, "tlog_bad_receipt");
        }
        /* 63 hashes parse; 64 do not; nor does anything over the size limit. */
        big = malloc(TLOG_RECEIPT_MAX + 2);
        ck_assert_ptr_nonnull(big);
        at = (size_t)snprintf(big, TLOG_RECEIPT_MAX, "c2sp.org/tlog-proof@v1\nindex 0\n");
        for (int i = 0; i < 63; i++) {
                memcpy(big + at, H, strlen(H));
                at += strlen(H);
        }
        memcpy(big + at, "\n" CP, strlen("\n" CP));
        ck_assert_int_eq(tlog_receipt_parse(big, at + strlen("\n" CP), r, NULL), CR_OK);
        ck_assert_uint_eq(r->proof.len, 63);
        memcpy(big + at, H "\n" CP, strlen(H "\n" CP));
        ck_assert_int_eq(tlog_receipt_parse(big, at + strlen(H "\n" CP), r, NULL), CR_EINVAL);
        memset(big, 'a', TLOG_RECEIPT_MAX + 1);
        ck_assert_int_eq(tlog_receipt_parse(big, TLOG_RECEIPT_MAX + 1, r, NULL), CR_ETOOLARGE);
        free(big);
        free(r);
        cr_error_clear(&e);
#undef H
#undef CP
}
END_TEST

int main(void)
{
        Suite *s = suite_create("merkle");
        TCase *vectors = tcase_create("vectors");
        TCase *proofs = tcase_create("proofs");
        TCase *tiles = tcase_create("tiles");
        TCase *receipts = tcase_create("receipts");

        tcase_add_test(vectors, test_ct_sha256_vectors);
        tcase_add_test(vectors, test_sm3_vectors);
        suite_add_tcase(s, vectors);

        /* The exhaustive tree is built once per test, in-process under CK_FORK=no. */
        tcase_add_checked_fixture(proofs, exhaustive_setup, exhaustive_teardown);
        tcase_set_timeout(proofs, 120);
        tcase_add_test(proofs, test_frontier_and_stored_nodes);
        tcase_add_test(proofs, test_every_inclusion_proof);
        tcase_add_test(proofs, test_every_consistency_proof);
        tcase_add_test(proofs, test_proof_edges);
        tcase_add_test(proofs, test_huge_trees);
        tcase_add_test(proofs, test_receipt_issue_and_verify);
        suite_add_tcase(s, proofs);

        tcase_set_timeout(tiles, 60);
        tcase_add_test(tiles, test_tile_paths);
        tcase_add_test(tiles, test_tile_widths);
        tcase_add_test(tiles, test_tile_for_node);
        tcase_add_test(tiles, test_proofs_from_tiles);
        suite_add_tcase(s, tiles);

        tcase_add_test(receipts, test_base64);
        tcase_add_test(receipts, test_receipt_spec_example);
        tcase_add_test(receipts, test_receipt_rejects);
        suite_add_tcase(s, receipts);
        return run_suite(s);
}
