/* The one way the unit tests run a Check suite and turn its result into an exit status. */
#ifndef CR_UNIT_H
#define CR_UNIT_H

#include <check.h>
#include <stdlib.h>

static inline int run_suite(Suite *s)
{
        SRunner *sr = srunner_create(s);
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
