/* Fuzz target: USCC validation must never read past its input, and must agree with the check. */
#include <stdint.h>
#include <stdlib.h>

#include "kernel/uscc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char why[200];

        if (uscc_validate((const char *)data, size, why, sizeof(why)) == USCC_OK) {
                /* Anything accepted must carry its own check characters. */
                if (size != USCC_LEN || uscc_check_char((const char *)data) != (char)data[17] ||
                    org_code_check_char((const char *)data + 8) != (char)data[16])
                        abort();
        }
        return 0;
}
