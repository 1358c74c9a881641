/* ws_abort.c — starts a run over WebSocket and aborts it from a second thread.
 * Usage: ws_abort [-u URL] [-t TOKEN] -a MS MESSAGE
 * Prints the text that arrived, then how the run ended on its own line (`aborted`, `final` or
 * `failed`). Exit 0 when it ended aborted, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "common.h"

struct aborter {
    const openclaw_ws_run *run;
    long delay_ms;
    openclaw_result rc;
};

static void *abort_later(void *arg) {
    struct aborter *a = (struct aborter *)arg;
    struct timespec d = {a->delay_ms / 1000, (a->delay_ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
    a->rc = openclaw_ws_run_abort(a->run, NULL); /* any thread, while main waits in run_next */
    if (a->rc != OPENCLAW_RESULT_OK) print_error("abort", a->rc);
    return NULL;
}

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 1;
    if (first + 2 >= argc || strcmp(argv[first], "-a") != 0) {
        fprintf(stderr, "usage: %s [-u URL] [-t TOKEN] -a MS MESSAGE\n", argv[0]);
        openclaw_client_free(c);
        return 2;
    }
    long ms = strtol(argv[first + 1], NULL, 10);
    const char *message = argv[first + 2];
    openclaw_ws *ws = NULL;
    openclaw_result rc = openclaw_ws_connect(c, NULL, &ws);
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("ws_connect", rc);
        openclaw_client_free(c);
        return 1;
    }
    openclaw_ws_run *run = NULL;
    rc = openclaw_ws_chat_run_open(ws, "ws-abort", message, &run);
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("chat_run_open", rc);
        openclaw_ws_free(ws);
        openclaw_client_free(c);
        return 1;
    }
    struct aborter a = {run, ms, OPENCLAW_RESULT_OK};
    pthread_t t;
    pthread_create(&t, NULL, abort_later, &a);
    const char *ended = "failed";
    for (;;) {
        openclaw_ws_event *ev = NULL;
        rc = openclaw_ws_run_next(run, -1, &ev);
        if (rc != OPENCLAW_RESULT_OK) {
            if (rc != OPENCLAW_RESULT_END) print_error("run_next", rc);
            break;
        }
        if (ev->kind == OPENCLAW_WS_EVENT_RUN_DELTA) {
            fwrite(ev->text, 1, ev->text_len, stdout);
            fflush(stdout);
        } else if (ev->kind == OPENCLAW_WS_EVENT_RUN_FINAL) {
            ended = "final";
        } else if (ev->kind == OPENCLAW_WS_EVENT_RUN_ABORTED) {
            ended = "aborted";
        }
        openclaw_ws_event_free(ev);
    }
    pthread_join(t, NULL);
    printf("\n%s\n", ended);
    openclaw_ws_run_free(run);
    openclaw_ws_free(ws);
    openclaw_client_free(c);
    return strcmp(ended, "aborted") == 0 ? 0 : 1;
}
