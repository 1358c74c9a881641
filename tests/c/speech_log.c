/* speech_log.c — the log callback and the sentence chunker from C.
 * Usage: speech_log MOCK_URL DEAD_URL
 * 1. installs the log callback (a second install must fail and change nothing);
 * 2. a chat call against DEAD_URL fails: a DEBUG record from the library names the failure and
 *    never shows the token;
 * 3. streams a reply from the mock through a sentence chunker: the sentences come out whole,
 *    the first one before the stream's last content delta.
 * Exits 0 and prints "speech_log: all checks passed" on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openclaw_client.h"

#include "check.h"

struct logs {
    int debug_failure_records;
    int leaked_secret;
    int other_userdata;
};

static void on_log(void *ud, uint32_t level, const char *target, const char *message) {
    struct logs *l = (struct logs *)ud;
    if (strstr(message, "hunter2") || strstr(target, "hunter2")) l->leaked_secret++;
    if (level == OPENCLAW_LOG_DEBUG && strncmp(target, "openclaw_client", 15) == 0 &&
        strstr(message, "failed"))
        l->debug_failure_records++;
}

static void other_log(void *ud, uint32_t level, const char *target, const char *message) {
    (void)level; (void)target; (void)message;
    ((struct logs *)ud)->other_userdata++;
}

#define MAX_SENTENCES 16
struct speech {
    openclaw_sentence_chunker *chunker;
    int content_events;
    char *sentences[MAX_SENTENCES];
    int at_event[MAX_SENTENCES];
    int n;
};

static int on_sentence(void *ud, const char *text, size_t len, bool code) {
    struct speech *s = (struct speech *)ud;
    if (code || s->n >= MAX_SENTENCES || text[len] != '\0') return 1;
    s->sentences[s->n] = malloc(len + 1);
    memcpy(s->sentences[s->n], text, len + 1);
    s->at_event[s->n] = s->content_events;
    s->n++;
    return 0;
}

static int on_event(void *ud, const openclaw_event *ev) {
    struct speech *s = (struct speech *)ud;
    if (ev->kind == OPENCLAW_EVENT_CONTENT) {
        s->content_events++;
        return openclaw_sentence_chunker_push(s->chunker, ev->text, ev->text_len, on_sentence, s) !=
               OPENCLAW_RESULT_OK;
    }
    if (ev->kind == OPENCLAW_EVENT_DONE)
        return openclaw_sentence_chunker_finish(s->chunker, on_sentence, s) != OPENCLAW_RESULT_OK;
    return 0;
}

static const openclaw_client *build(const char *url, const char *secret) {
    openclaw_client_builder *b = openclaw_client_builder_new();
    CHECK(openclaw_client_builder_set_base_url(b, url) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_client_builder_set_secret(b, secret) == OPENCLAW_RESULT_OK);
    const openclaw_client *c = NULL;
    CHECK(openclaw_client_builder_build(b, &c) == OPENCLAW_RESULT_OK);
    return c;
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    static struct logs logs;
    CHECK(openclaw_set_log_callback(NULL, &logs, OPENCLAW_LOG_DEBUG) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_set_log_callback(on_log, &logs, 9) == OPENCLAW_RESULT_INVALID_ARGUMENT);
    CHECK(openclaw_set_log_callback(on_log, &logs, OPENCLAW_LOG_DEBUG) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_set_log_callback(other_log, &logs, OPENCLAW_LOG_TRACE) == OPENCLAW_RESULT_LOG_ALREADY_SET);
    CHECK(strcmp(openclaw_result_name(OPENCLAW_RESULT_LOG_ALREADY_SET), "OPENCLAW_RESULT_LOG_ALREADY_SET") == 0);

    /* A failing call: its debug record reaches the callback, redacted. */
    const openclaw_client *dead = build(argv[2], "hunter2");
    openclaw_chat_request *req = openclaw_chat_request_new();
    CHECK(openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, "hi") == OPENCLAW_RESULT_OK);
    struct speech unused = {0};
    CHECK(openclaw_chat_stream(dead, req, on_event, &unused) == OPENCLAW_RESULT_CONNECT);
    CHECK(logs.debug_failure_records >= 1);
    CHECK(logs.leaked_secret == 0);
    CHECK(logs.other_userdata == 0);
    openclaw_client_free(dead);

    /* Sentences of a streamed reply. */
    const openclaw_client *c = build(argv[1], "tok");
    struct speech s = {0};
    s.chunker = openclaw_sentence_chunker_new();
    CHECK(s.chunker != NULL);
    CHECK(openclaw_sentence_chunker_set_min_chars(s.chunker, 0) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_sentence_chunker_set_max_chars(s.chunker, 200) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_sentence_chunker_set_code_blocks(s.chunker, 7) == OPENCLAW_RESULT_INVALID_ARGUMENT);
    CHECK(openclaw_sentence_chunker_set_code_blocks(s.chunker, OPENCLAW_CODE_BLOCKS_SKIP) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_chat_stream(c, req, on_event, &s) == OPENCLAW_RESULT_OK);
    const char *want[] = {"Hello there, Dr. Smith.", "It is 3.14 today!", "Bye"};
    CHECK(s.n == 3);
    for (int i = 0; i < s.n && i < 3; i++) {
        if (strcmp(s.sentences[i], want[i]) != 0) {
            fprintf(stderr, "sentence %d: got \"%s\", want \"%s\"\n", i, s.sentences[i], want[i]);
            failures++;
        }
    }
    CHECK(s.n > 0 && s.at_event[0] < s.content_events);

    /* A UTF-8 character split across pushes; a bad byte is refused; NULL handles. */
    struct speech t = {0};
    t.chunker = s.chunker;
    const char *e = "Caf\xc3\xa9. Ok";
    CHECK(openclaw_sentence_chunker_push(t.chunker, e, 4, on_sentence, &t) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_sentence_chunker_push(t.chunker, e + 4, strlen(e) - 4, on_sentence, &t) == OPENCLAW_RESULT_OK);
    CHECK(openclaw_sentence_chunker_push(t.chunker, "\xff", 1, on_sentence, &t) == OPENCLAW_RESULT_INVALID_UTF8);
    CHECK(openclaw_sentence_chunker_finish(t.chunker, on_sentence, &t) == OPENCLAW_RESULT_OK);
    CHECK(t.n == 2 && strcmp(t.sentences[0], "Caf\xc3\xa9.") == 0 && strcmp(t.sentences[1], "Ok") == 0);
    CHECK(openclaw_sentence_chunker_push(NULL, "x", 1, on_sentence, &t) == OPENCLAW_RESULT_NULL_ARGUMENT);
    CHECK(openclaw_sentence_chunker_push(t.chunker, "x", 1, NULL, &t) == OPENCLAW_RESULT_NULL_ARGUMENT);
    openclaw_sentence_chunker_free(NULL);

    for (int i = 0; i < s.n; i++) free(s.sentences[i]);
    for (int i = 0; i < t.n; i++) free(t.sentences[i]);
    openclaw_sentence_chunker_free(s.chunker);
    openclaw_chat_request_free(req);
    openclaw_client_free(c);
    if (failures) return 1;
    printf("speech_log: all checks passed\n");
    return 0;
}
