/* responses.c — a streamed /v1/responses turn (OpenResponses), with optional embeddings.
 * Usage: responses [-u URL] [-t TOKEN] [message [embed-text]]
 * Prints the text deltas as they arrive, then the status and usage; with embed-text, also the
 * dimension of its embedding.
 */
#include "common.h"

static int on_event(void *ud, const openclaw_event *ev) {
    (void)ud;
    switch (ev->kind) {
    case OPENCLAW_EVENT_CONTENT:
        fwrite(ev->text, 1, ev->text_len, stdout);
        fflush(stdout);
        break;
    case OPENCLAW_EVENT_TOOL_CALL:
        printf("\n[function call %s(%s) id %s]", ev->tool_name, ev->text, ev->tool_id);
        break;
    case OPENCLAW_EVENT_DONE:
        printf("\n[status: %s] [usage: %llu in + %llu out = %llu]\n", ev->text, (unsigned long long)ev->prompt_tokens,
               (unsigned long long)ev->completion_tokens, (unsigned long long)ev->total_tokens);
        break;
    default:
        break;
    }
    return 0;
}

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 2;
    const char *msg = first < argc ? argv[first] : "Hello from C via /v1/responses!";
    const char *embed = first + 1 < argc ? argv[first + 1] : NULL;

    openclaw_responses_request *req = openclaw_responses_request_new();
    openclaw_responses_request_add_message(req, OPENCLAW_ROLE_USER, msg);
    openclaw_result rc = openclaw_responses_stream(c, req, on_event, NULL);
    int status = 0;
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("responses", rc);
        status = 1;
    }
    if (embed && status == 0) {
        openclaw_embeddings *e = NULL;
        const char *inputs[1] = {embed};
        rc = openclaw_embeddings_create(c, inputs, 1, NULL, true, &e);
        if (rc == OPENCLAW_RESULT_OK) {
            size_t dims = 0;
            const float *v = openclaw_embeddings_vector(e, 0, &dims);
            printf("[embedding: %zu dimensions, first %.4f]\n", dims, dims ? (double)v[0] : 0.0);
            openclaw_embeddings_free(e);
        } else {
            print_error("embeddings", rc);
            status = 1;
        }
    }
    openclaw_responses_request_free(req);
    openclaw_client_free(c);
    return status;
}
