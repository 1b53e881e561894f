/*
 * A stand-in for libFuzzer when the compiler has none: replays every file of
 * a seed corpus through LLVMFuzzerTestOneInput, then a fixed number of
 * deterministic mutations of them (bit flips, insertions, deletions,
 * splices).  The sanitizers turn any memory error into a failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 65536
#define MAX_SEEDS 256

struct seed {
        uint8_t *data;
        size_t size;
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        return rng_state;
}

static size_t load_corpus(const char *dir, struct seed *seeds)
{
        DIR *d = opendir(dir);
        struct dirent *ent;
        size_t n = 0;

        if (!d) {
                fprintf(stderr, "fuzz: cannot open corpus %s\n", dir);
                exit(2);
        }
        while ((ent = readdir(d)) && n < MAX_SEEDS) {
                char path[4096];
                FILE *f;
                if (ent->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
                f = fopen(path, "rb");
                if (!f)
                        continue;
                seeds[n].data = malloc(MAX_INPUT);
                seeds[n].size = fread(seeds[n].data, 1, MAX_INPUT, f);
                fclose(f);
                n++;
        }
        closedir(d);
        return n;
}

static size_t mutate(uint8_t *buf, size_t size, const struct seed *seeds, size_t nseeds)
{
        int rounds = 1 + (int)(rng() % 4);

        for (int r = 0; r < rounds; r++) {
                switch (rng() % 5) {
                case 0: /* flip a bit */
                        if (size)
                                buf[rng() % size] ^= (uint8_t)(1u << (rng() % 8));
                        break;
                case 1: /* set a byte to an interesting value */
                        if (size) {
                                static const uint8_t v[] = {0,    '"',  ',', '\n', '\r', 0xFF,
                                                            0xE5, '\\', '{', '}',  '[',  ']'};
                                buf[rng() % size] = v[rng() % sizeof(v)];
                        }
                        break;
                case 2: /* insert a byte */
                        if (size < MAX_INPUT) {
                                size_t at = size ? rng() % (size + 1) : 0;
                                memmove(buf + at + 1, buf + at, size - at);
                                buf[at] = (uint8_t)rng();
                                size++;
                        }
                        break;
                case 3: /* delete a run */
                        if (size) {
                                size_t at = rng() % size, len = 1 + rng() % 8;
                                if (len > size - at)
                                        len = size - at;
                                memmove(buf + at, buf + at + len, size - at - len);
                                size -= len;
                        }
                        break;
                default: /* splice in part of another seed */
                        if (nseeds) {
                                const struct seed *o = &seeds[rng() % nseeds];
                                if (o->size) {
                                        size_t from = rng() % o->size;
                                        size_t len = 1 + rng() % (o->size - from);
                                        size_t at = size ? rng() % size : 0;
                                        if (at + len > MAX_INPUT)
                                                len = MAX_INPUT - at;
                                        memcpy(buf + at, o->data + from, len);
                                        if (at + len > size)
                                                size = at + len;
                                }
                        }
                }
        }
        return size;
}

int main(int argc, char **argv)
{
        struct seed seeds[MAX_SEEDS];
        size_t nseeds;
        long iterations;
        uint8_t *buf;

        if (argc != 3) {
                fprintf(stderr, "usage: %s CORPUS_DIR ITERATIONS\n", argv[0]);
                return 2;
        }
        nseeds = load_corpus(argv[1], seeds);
        iterations = strtol(argv[2], NULL, 10);
        if (nseeds == 0) {
                fprintf(stderr, "fuzz: the corpus %s is empty\n", argv[1]);
                return 2;
        }
        for (size_t i = 0; i < nseeds; i++)
                LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].size);
        buf = malloc(MAX_INPUT);
        for (long i = 0; i < iterations; i++) {
                const struct seed *s = &seeds[rng() % nseeds];
                size_t size;
                memcpy(buf, s->data, s->size);
                size = mutate(buf, s->size, seeds, nseeds);
                /* Pass an exact-size copy so reads past the end are caught. */
                {
                        uint8_t *exact = malloc(size ? size : 1);
                        memcpy(exact, buf, size);
                        LLVMFuzzerTestOneInput(exact, size);
                        free(exact);
                }
        }
        printf("fuzz: %zu seeds and %ld mutations ran clean\n", nseeds, iterations);
        free(buf);
        for (size_t i = 0; i < nseeds; i++)
                free(seeds[i].data);
        return 0;
}
