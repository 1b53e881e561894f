/*
 * Tile arithmetic of C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the log
 * serves its stored node hashes as tiles of height 8, each the run of 256
 * consecutive node hashes at tree level 8*L, and its entries as bundles of
 * 256.  This file says which tile holds a node, how wide a tile is at a
 * given tree size, and how a tile is named in a URL path, both ways.  It
 * does no I/O; the storage and HTTP layers use it to agree on names.
 */
#ifndef CR_TLOG_TILE_H
#define CR_TLOG_TILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "tlog/merkle.h"

#define TLOG_TILE_HEIGHT        8
#define TLOG_TILE_WIDTH         256  /* hashes in a full tile, 8192 bytes */
#define TLOG_TILE_LEVEL_MAX     63   /* the spec's bound on <L> */
#define TLOG_TILE_LEVEL_ENTRIES (-1) /* the level of entry bundles, "tile/entries/..." */
#define TLOG_TILE_PATH_MAX      64   /* "tile/entries/x..x/NNN.p/WWW" and NUL fit easily */

/*
 * A tile: level L (0..63) holds node hashes of tree level 8*L, or
 * TLOG_TILE_LEVEL_ENTRIES for an entry bundle; index N is its position in
 * the level (it covers hashes [256*N, 256*N + width)); width is 1..256,
 * where 256 is a full tile and anything less a partial tile ".p/W".
 */
struct tlog_tile {
        int level;
        uint64_t index;
        unsigned width;
};

/*
 * The width of tile (level, index) in the tree of size tree_size: 256 if
 * full, 1..255 if partial, 0 if the tree has no such tile yet.  Entry
 * bundles have the width of the level 0 tile with the same index.
 */
unsigned tlog_tile_width(int level, uint64_t index, uint64_t tree_size);

/*
 * Writes the tile's path, "tile/<L>/<N>[.p/<W>]" or
 * "tile/entries/<N>[.p/<W>]", with N in 3-digit groups, all but the last
 * prefixed with "x" (index 1234067 is "x001/x234/067").  CR_EINVAL for a
 * level, index or width that no tree below TLOG_SIZE_MAX leaves has.
 */
enum cr_err tlog_tile_path(const struct tlog_tile *t, char out[TLOG_TILE_PATH_MAX],
                           struct cr_error *e);

/*
 * Parses a path as tlog_tile_path writes it (len bytes, no NUL needed).  It
 * accepts only the one canonical spelling of each tile: no leading zeros,
 * no "x000" groups in front, no width 0 or 256 in ".p/W", nothing after.
 */
enum cr_err tlog_tile_path_parse(const char *s, size_t len, struct tlog_tile *out,
                                 struct cr_error *e);

/*
 * Where node lives in the tiles of the tree of size tree_size: *t is the
 * tile (at the width it has at that size) and the node is the MTH of its
 * hashes [*first, *first + *count), count being 2^(node level mod 8), so
 * tlog_root() over those hashes gives the node.  CR_EINVAL if the node is
 * not complete in that tree.
 */
enum cr_err tlog_tile_for_node(struct tlog_node node, uint64_t tree_size, struct tlog_tile *t,
                               unsigned *first, unsigned *count, struct cr_error *e);

#endif
