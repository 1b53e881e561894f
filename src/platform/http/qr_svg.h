/* QR codes rendered as SVG for certificate pages. */
#ifndef CR_QR_SVG_H
#define CR_QR_SVG_H

#include <stddef.h>

/* An SVG image of a QR code (error correction level M) for text; malloc'd, or NULL. */
char *qr_svg(const char *text, size_t *len);

#endif
