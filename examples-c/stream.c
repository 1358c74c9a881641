/* stream.c — prints the reply's deltas as they arrive, then the finish reason and usage.
 * Usage: stream [-u URL] [-t TOKEN] [message]
 * When the gateway cannot be reached, prints the connection diagnosis and exits 1.
 */
#include "common.h"

struct state {
    size_t deltas;
    char finish[32];
};

static int on_event(void *userdata, const openclaw_event *ev) {
    struct state *st = (struct state *)userdata;
    switch (ev->kind) {
    case OPENCLAW_EVENT_CONTENT:
        fwrite(ev->text, 1, ev->text_len, stdout);
        fflush(stdout);
        st->deltas++;
        break;
    case OPENCLAW_EVENT_FINISH:
        snprintf(st->finish, sizeof st->finish, "%s", ev->text);
        break;
    case OPENCLAW_EVENT_USAGE:
        printf("\n[usage: %llu prompt + %llu completion = %llu]",
               (unsigned long long)ev->prompt_tokens, (unsigned long long)ev->completion_tokens,
               (unsigned long long)ev->total_tokens);
        break;
    case OPENCLAW_EVENT_DONE:
        printf("\n[finish: %s]%s\n", st->finish[0] ? st->finish : "none",
               ev->empty ? " [empty reply]" : "");
        break;
    case OPENCLAW_EVENT_ERROR:
        printf("\n");
        break;
    default:
        break;
    }
    return 0; /* continue */
}

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 2;
    const char *msg = first < argc ? argv[first] : "Hello from C!";

    openclaw_chat_request *req = openclaw_chat_request_new();
    openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, msg);
    openclaw_chat_request_set_include_usage(req, true);

    struct state st = {0, {0}};
    openclaw_result rc = openclaw_chat_stream(c, req, on_event, &st);
    int status = 0;
    if (rc != OPENCLAW_RESULT_OK) {
        /* For setup problems the diagnosis says it all (cause, fix, where each setting came
           from); anything else gets the error itself. */
        if (rc == OPENCLAW_RESULT_CONNECT || rc == OPENCLAW_RESULT_TLS || rc == OPENCLAW_RESULT_TIMEOUT ||
            rc == OPENCLAW_RESULT_UNAUTHORIZED || rc == OPENCLAW_RESULT_NOT_ENABLED) {
            fprintf(stderr, "stream failed (%s); connection diagnosis:\n", openclaw_result_name(rc));
            print_diagnosis(c);
        } else
            print_error("stream", rc);
        status = 1;
    }
    openclaw_chat_request_free(req);
    openclaw_client_free(c);
    return status;
}
