/* check.h — the CHECK macro of the C test programs: a failed condition is reported with its
 * file, line and the library's last error message, and counted in `failures` (the program
 * exits non-zero when it is not 0). Include it once, after openclaw_client.h.
 */
#ifndef OPENCLAW_TEST_CHECK_H
#define OPENCLAW_TEST_CHECK_H

#include <stdio.h>

static int failures = 0;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, \
                    __LINE__, #cond, openclaw_last_error_message());                 \
            failures++;                                                              \
        }                                                                            \
    } while (0)

#endif
