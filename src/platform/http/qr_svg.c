/* QR codes as SVG (libqrencode), for the links printed on certificates. */
#include "platform/http/qr_svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "core/buf.h"

#define QUIET_ZONE 4 /* modules of white border that readers need (ISO/IEC 18004) */

char *qr_svg(const char *text, size_t *len)
{
        QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        struct buf b;
        int size, failed = 0;
        char *out;

        if (!qr)
                return NULL;
        size = qr->width + 2 * QUIET_ZONE;
        buf_init(&b, 512 * 1024);
        failed |= buf_printf(&b,
                             "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                             "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
                             "fill=\"#fff\"/><path fill=\"#000\" d=\"",
                             size, size, size, size) != CR_OK;
        for (int y = 0; y < qr->width && !failed; y++)
                for (int x = 0; x < qr->width && !failed; x++)
                        if (qr->data[y * qr->width + x] & 1)
                                failed |= buf_printf(&b, "M%d %dh1v1h-1z", x + QUIET_ZONE,
                                                     y + QUIET_ZONE) != CR_OK;
        failed |= buf_puts(&b, "\"/></svg>\n") != CR_OK;
        QRcode_free(qr);
        if (failed) {
                buf_release(&b);
                return NULL;
        }
        *len = b.len;
        out = malloc(b.len + 1);
        if (out) {
                memcpy(out, b.data, b.len);
                out[b.len] = '\0';
        }
        buf_release(&b);
        return out;
}
