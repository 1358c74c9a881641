/* misuse.c — the C API used the wrong way on purpose: NULLs everywhere, double cancel, use after
 * a stream ended, frees in every order the API allows. Must exit 0 with no memory error under
 * valgrind and under -fsanitize=address,undefined.
 * Usage: misuse URL     (a mock gateway that streams "echo" replies)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openclaw_client.h"

#include "check.h"

static int cancel_after_two(void *ud, const openclaw_event *ev) {
    int *n = (int *)ud;
    (void)ev;
    return ++*n >= 2;
}

static int count_events(void *ud, const openclaw_event *ev) {
    int *n = (int *)ud;
    (void)ev;
    ++*n;
    return 0;
}

static const openclaw_client *build(const char *url) {
    openclaw_client_builder *b = openclaw_client_builder_new();
    CHECK(openclaw_client_builder_set_base_url(b, url) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_client_builder_set_secret(b, "tok") == OPENCLAW_RESULT_OK);
    const openclaw_client *c = NULL;
    CHECK(openclaw_client_builder_build(b, &c) == OPENCLAW_RESULT_OK);
    return c;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *url = argv[1];
    const char bad_utf8[] = {(char)0xff, (char)0xfe, 0};

    /* Before any call: empty last error. */
    CHECK(strcmp(openclaw_last_error_message(), "") == 0);
    CHECK(openclaw_last_error_retry_after_ms() == -1);

    /* NULL everywhere. */
    CHECK(openclaw_client_builder_set_base_url(NULL, url) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_client_builder_build(NULL, NULL) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_chat(NULL, NULL, NULL) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_chat_stream(NULL, NULL, NULL, NULL) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_chat_stream_open(NULL, NULL, NULL) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_stream_next(NULL, NULL) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_tool_invoke(NULL, NULL, NULL) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_check_connection(NULL, NULL) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_client_update_secret(NULL, "x") == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_chat_result_text(NULL, NULL) == NULL);
    CHECK(openclaw_stream_text(NULL, NULL) == NULL);
    openclaw_client_free(NULL);
    openclaw_client_builder_free(NULL);
    openclaw_chat_request_free(NULL);
    openclaw_chat_result_free(NULL);
    openclaw_stream_free(NULL);
    openclaw_model_list_free(NULL);
    openclaw_tool_call_free(NULL);
    openclaw_diagnosis_free(NULL);
    openclaw_cancel_token_free(NULL);
    openclaw_cancel_token_cancel(NULL);
    openclaw_string_free(NULL);

    /* Bad strings. */
    openclaw_client_builder *b = openclaw_client_builder_new();
    CHECK(openclaw_client_builder_set_base_url(b, bad_utf8) == OPENCLAW_RESULT_INVALID_UTF8);
    CHECK(openclaw_client_builder_set_base_url(b, "not a url") == OPENCLAW_RESULT_OK);
    const openclaw_client *never = NULL;
    CHECK(openclaw_client_builder_build(b, &never) == OPENCLAW_RESULT_INVALID_ARGUMENT); /* consumed */
    CHECK(never == NULL);
    CHECK(strlen(openclaw_last_error_message()) > 0);

    const openclaw_client *c = build(url);
    openclaw_chat_request *req = openclaw_chat_request_new();
    CHECK(openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, bad_utf8) == OPENCLAW_RESULT_INVALID_UTF8);
    CHECK(openclaw_chat_request_add_header(req, "x-a", "v\r\nX-Evil: 1") == OPENCLAW_RESULT_INVALID_ARGUMENT);
    CHECK(openclaw_chat_request_set_session_key(req, "subagent:x") == OPENCLAW_RESULT_INVALID_ARGUMENT);
    CHECK(openclaw_chat_request_add_image_url(req, "data:image/png;base64,AA==") == OPENCLAW_RESULT_INVALID_ARGUMENT);
    CHECK(openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, "hello") == OPENCLAW_RESULT_OK);

    /* Token: cancel twice, free it before the request that holds it. */
    openclaw_cancel_token *tok = openclaw_cancel_token_new();
    CHECK(openclaw_chat_request_set_cancel_token(req, tok) == OPENCLAW_RESULT_OK);
    openclaw_cancel_token_free(tok);

    /* Callback cancels after two events; the same request is then reused. */
    int n = 0;
    CHECK(openclaw_chat_stream(c, req, cancel_after_two, &n) == OPENCLAW_RESULT_CANCELLED);
    CHECK(n == 2);
    n = 0;
    CHECK(openclaw_chat_stream(c, req, count_events, &n) == OPENCLAW_RESULT_OK);
    CHECK(n >= 4);

    /* Pull stream: free request and client first, read past the end. */
    openclaw_stream *s = NULL;
    const openclaw_client *c2 = build(url);
    CHECK(openclaw_chat_stream_open(c2, req, &s) == OPENCLAW_RESULT_OK);
    openclaw_client_free(c2);
    const openclaw_event *ev = NULL;
    int events = 0;
    openclaw_result rc;
    while ((rc = openclaw_stream_next(s, &ev)) == OPENCLAW_RESULT_OK) events++;
    CHECK(rc == OPENCLAW_RESULT_END);
    CHECK(events >= 4);
    CHECK(openclaw_stream_next(s, &ev) == OPENCLAW_RESULT_END);
    CHECK(openclaw_stream_next(s, &ev) == OPENCLAW_RESULT_END);
    size_t len = 0;
    char *text = openclaw_stream_text(s, &len);
    CHECK(text != NULL && len == strlen(text) && strncmp(text, "echo: ", 6) == 0);
    openclaw_string_free(text);
    openclaw_stream_free(s);

    /* A pull stream freed before its end. */
    s = NULL;
    CHECK(openclaw_chat_stream_open(c, req, &s) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_stream_next(s, &ev) == OPENCLAW_RESULT_OK);
    openclaw_stream_free(s);

    /* A token cancelled before the call. */
    openclaw_cancel_token *t2 = openclaw_cancel_token_new();
    openclaw_cancel_token_cancel(t2);
    openclaw_cancel_token_cancel(t2);
    openclaw_chat_request *req2 = openclaw_chat_request_new();
    CHECK(openclaw_chat_request_add_message(req2, OPENCLAW_ROLE_USER, "x") == OPENCLAW_RESULT_OK);
    CHECK(openclaw_chat_request_set_cancel_token(req2, t2) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_chat_stream(c, req2, count_events, &n) == OPENCLAW_RESULT_CANCELLED);
    openclaw_chat_result *res = NULL;
    CHECK(openclaw_chat(c, req2, &res) == OPENCLAW_RESULT_CANCELLED);
    CHECK(res == NULL);
    openclaw_chat_request_free(req2);
    openclaw_cancel_token_free(t2);

    /* Results outlive the client. */
    openclaw_chat_request *req3 = openclaw_chat_request_new();
    CHECK(openclaw_chat_request_add_message(req3, OPENCLAW_ROLE_USER, "plain") == OPENCLAW_RESULT_OK);
    const openclaw_client *c3 = build(url);
    CHECK(openclaw_chat(c3, req3, &res) == OPENCLAW_RESULT_OK);
    openclaw_diagnosis *d = NULL;
    CHECK(openclaw_check_connection(c3, &d) == OPENCLAW_RESULT_OK);
    openclaw_client_free(c3);
    openclaw_chat_request_free(req3);
    CHECK(strcmp(openclaw_chat_result_text(res, NULL), "echo: plain") == 0);
    CHECK(openclaw_diagnosis_text(d) != NULL);
    openclaw_chat_result_free(res);
    openclaw_diagnosis_free(d);

    openclaw_chat_request_free(req);
    openclaw_client_free(c);
    if (failures) fprintf(stderr, "%d checks failed\n", failures);
    else printf("misuse: all checks passed\n");
    return failures ? 1 : 0;
}
