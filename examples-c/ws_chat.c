/* ws_chat.c — streams one reply over the gateway's WebSocket control plane.
 * Usage: ws_chat [-u URL] [-t TOKEN] MESSAGE
 * Sends MESSAGE on session "main" (chat.send) and prints the reply as it arrives. Exit 0 when
 * the run finished, 1 otherwise.
 */
#include "common.h"

struct printed {
    size_t bytes;
};

static int on_event(void *userdata, const openclaw_ws_event *ev) {
    struct printed *p = (struct printed *)userdata;
    if (ev->kind == OPENCLAW_WS_EVENT_RUN_DELTA && !ev->replace) {
        fwrite(ev->text, 1, ev->text_len, stdout);
        p->bytes += ev->text_len;
        fflush(stdout);
    } else if (ev->kind == OPENCLAW_WS_EVENT_RUN_FINAL) {
        /* The final text is authoritative (after a tool call the gateway replaces the text). */
        if (p->bytes == 0 || p->bytes != ev->text_len) {
            if (p->bytes) fputc('\n', stdout);
            fwrite(ev->text, 1, ev->text_len, stdout);
        }
        fputc('\n', stdout);
    }
    return 0;
}

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 1;
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-u URL] [-t TOKEN] MESSAGE\n", argv[0]);
        openclaw_client_free(c);
        return 2;
    }
    openclaw_ws *ws = NULL;
    openclaw_result rc = openclaw_ws_connect(c, NULL, &ws);
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("ws_connect", rc);
        openclaw_client_free(c);
        return 1;
    }
    struct printed p = {0};
    rc = openclaw_ws_chat_run(ws, "main", argv[first], 0, on_event, &p);
    if (rc != OPENCLAW_RESULT_OK) print_error("chat run", rc);
    openclaw_ws_free(ws);
    openclaw_client_free(c);
    return rc == OPENCLAW_RESULT_OK ? 0 : 1;
}
