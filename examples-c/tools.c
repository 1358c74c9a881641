/* tools.c — invokes a gateway tool directly and prints its JSON result.
 * Usage: tools [-u URL] [-t TOKEN] [tool [args-json]]   (default: sessions_list {})
 */
#include "common.h"

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 2;
    const char *tool = first < argc ? argv[first] : "sessions_list";
    const char *args = first + 1 < argc ? argv[first + 1] : "{}";

    openclaw_tool_call *call = NULL;
    openclaw_result rc = openclaw_tool_call_new(tool, args, &call);
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("tool_call_new", rc);
        openclaw_client_free(c);
        return 2;
    }
    char *json = NULL;
    rc = openclaw_tool_invoke(c, call, &json);
    int status = 0;
    if (rc == OPENCLAW_RESULT_OK) {
        printf("%s\n", json);
        openclaw_string_free(json);
    } else {
        print_error("tool_invoke", rc);
        fprintf(stderr, "http status %u, type \"%s\"\n", (unsigned)openclaw_last_error_http_status(),
                openclaw_last_error_type());
        status = 1;
    }
    openclaw_tool_call_free(call);
    openclaw_client_free(c);
    return status;
}
