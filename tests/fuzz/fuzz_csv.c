/* Fuzz target: the CSV reader, and the enterprise field checks over each record it yields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "registry/enterprise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct csv_reader r;
        struct csv_record rec;
        struct cr_error e = CR_ERROR_INIT;
        static struct enterprise ent;

        csv_reader_init(&r, (const char *)data, size);
        while (csv_read(&r, &rec, &e) > 0) {
                for (size_t i = 0; i < rec.nfields; i++) {
                        if (rec.len[i] != strlen(rec.field[i]) &&
                            memchr(rec.field[i], 0, rec.len[i]) == NULL)
                                abort(); /* a field's length must match its bytes */
                        enterprise_set_text(&ent, &ent_text_fields[i % ent_text_fields_len],
                                            rec.field[i], rec.len[i], &e);
                        enterprise_set_roles_text(&ent, rec.field[i], rec.len[i], ';', &e);
                        enterprise_set_uscc(&ent, rec.field[i], rec.len[i], &e);
                }
        }
        csv_reader_release(&r);
        cr_error_clear(&e);
        return 0;
}
