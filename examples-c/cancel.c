/* cancel.c — cancels a stream from a second thread while the server is silent.
 * Usage: cancel [-u URL] [-t TOKEN] [message [delay-ms]]
 * Prints what arrived, then how long cancellation took to take effect.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "common.h"

struct canceller {
    const openclaw_cancel_token *token;
    long delay_ms;
    struct timespec fired;
};

static double ms_between(struct timespec a, struct timespec b) {
    return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static void *cancel_later(void *arg) {
    struct canceller *cl = (struct canceller *)arg;
    struct timespec d = {cl->delay_ms / 1000, (cl->delay_ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &cl->fired);
    openclaw_cancel_token_cancel(cl->token); /* any thread, any time */
    return NULL;
}

static int on_event(void *userdata, const openclaw_event *ev) {
    (void)userdata;
    if (ev->kind == OPENCLAW_EVENT_CONTENT) {
        fwrite(ev->text, 1, ev->text_len, stdout);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 2;
    const char *msg = first < argc ? argv[first] : "Tell me a long story";
    long delay = first + 1 < argc ? atol(argv[first + 1]) : 500;

    openclaw_cancel_token *token = openclaw_cancel_token_new();
    openclaw_chat_request *req = openclaw_chat_request_new();
    openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, msg);
    openclaw_chat_request_set_cancel_token(req, token);

    struct canceller cl = {token, delay, {0, 0}};
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, &cl);
    openclaw_result rc = openclaw_chat_stream(c, req, on_event, NULL);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_join(th, NULL);

    int status;
    if (rc == OPENCLAW_RESULT_CANCELLED) {
        printf("\n[cancelled %.1f ms after cancel()]\n", ms_between(cl.fired, now));
        status = 0;
    } else if (rc == OPENCLAW_RESULT_OK) {
        printf("\n[finished before the cancel]\n");
        status = 0;
    } else {
        print_error("stream", rc);
        status = 1;
    }
    openclaw_chat_request_free(req);
    openclaw_cancel_token_free(token);
    openclaw_client_free(c);
    return status;
}
