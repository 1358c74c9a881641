/* chat.c — one question, one answer (non-streaming).
 * Usage: chat [-u URL] [-t TOKEN] [message]
 */
#include "common.h"

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 2;
    const char *msg = first < argc ? argv[first] : "Hello from C!";

    openclaw_chat_request *req = openclaw_chat_request_new();
    openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, msg);

    openclaw_chat_result *res = NULL;
    openclaw_result rc = openclaw_chat(c, req, &res);
    int status = 0;
    if (rc == OPENCLAW_RESULT_OK) {
        size_t len = 0;
        const char *text = openclaw_chat_result_text(res, &len);
        fwrite(text, 1, len, stdout);
        putchar('\n');
        uint64_t p = 0, k = 0, t = 0;
        if (openclaw_chat_result_usage(res, &p, &k, &t))
            fprintf(stderr, "[finish: %s] [usage: %llu prompt + %llu completion = %llu]\n",
                    openclaw_chat_result_finish_reason(res), (unsigned long long)p,
                    (unsigned long long)k, (unsigned long long)t);
        openclaw_chat_result_free(res);
    } else {
        print_error("chat", rc);
        status = 1;
    }
    openclaw_chat_request_free(req);
    openclaw_client_free(c);
    return status;
}
