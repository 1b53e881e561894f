/* Safe lookup of the web front end's static files under the web root. */
#ifndef CR_STATIC_FILES_H
#define CR_STATIC_FILES_H

#include <sys/types.h>

struct static_file {
        int fd;
        off_t size;
        const char *content_type;
};

/*
 * Opens the file for a URL path under root: "/" is index.html, a path
 * ending in "/" its index.html.  Paths with "..", hidden segments or
 * characters outside [A-Za-z0-9._/-] are refused.  Returns 0 or -1.
 */
int static_file_open(const char *root, const char *url_path, struct static_file *out);

/* Whether url_path names a directory under root that has an index.html (for a redirect to url_path
 * + "/"). */
int static_dir_has_index(const char *root, const char *url_path);

#endif
