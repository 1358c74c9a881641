/* check.c — prints the connection diagnosis (never starts an agent run).
 * Usage: check [-u URL] [-t TOKEN]
 * Exit status: 0 when chat is ready, 1 otherwise.
 */
#include "common.h"

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 2;
    openclaw_diagnosis *d = NULL;
    openclaw_result rc = openclaw_check_connection(c, &d);
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("check_connection", rc);
        openclaw_client_free(c);
        return 2;
    }
    printf("%s\n", openclaw_diagnosis_text(d));
    int ok = openclaw_diagnosis_code(d) == OPENCLAW_DIAGNOSIS_OK;
    openclaw_diagnosis_free(d);
    openclaw_client_free(c);
    return ok ? 0 : 1;
}
