/* Static file lookup with the URL path checked before it touches the file system. */
#include "platform/http/static_files.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static const struct {
        const char *ext;
        const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".csv", "text/csv; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
};

static int path_is_safe(const char *p)
{
        if (p[0] != '/')
                return 0;
        for (const char *c = p; *c; c++) {
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-' || *c == '/'))
                        return 0;
                /* No segment may start with a dot: that rules out "..", "." and hidden files. */
                if (*c == '/' && c[1] == '.')
                        return 0;
                if (*c == '/' && c[1] == '/')
                        return 0;
        }
        return 1;
}

int static_file_open(const char *root, const char *url_path, struct static_file *out)
{
        char path[2048];
        struct stat st;
        size_t n = strlen(url_path);
        int fd;

        if (!path_is_safe(url_path) || n > 512)
                return -1;
        if (url_path[n - 1] == '/')
                snprintf(path, sizeof(path), "%s%sindex.html", root, url_path);
        else
                snprintf(path, sizeof(path), "%s%s", root, url_path);
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -1;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -1;
        }
        out->fd = fd;
        out->size = st.st_size;
        out->content_type = "application/octet-stream";
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                size_t el = strlen(types[i].ext), pl = strlen(path);
                if (pl > el && strcmp(path + pl - el, types[i].ext) == 0) {
                        out->content_type = types[i].type;
                        break;
                }
        }
        return 0;
}

int static_dir_has_index(const char *root, const char *url_path)
{
        char path[2048];
        struct stat st;

        if (!path_is_safe(url_path) || strlen(url_path) > 512)
                return 0;
        snprintf(path, sizeof(path), "%s%s/index.html", root, url_path);
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
