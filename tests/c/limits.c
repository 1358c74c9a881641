/* limits.c — what the C API keeps in memory, run under an address-space limit
 * (setrlimit(RLIMIT_AS)) so that any unbounded growth fails an allocation, which would abort.
 *
 * Usage: limits URL MODE LIMIT_MIB
 *   flat              chat stream (callback) with openclaw_chat_request_set_keep_text(req, false)
 *   keep              chat stream (pull) with the default keep mode and kept-bytes limit
 *   tool              openclaw_tool_invoke
 *   history           openclaw_session_history
 *   history_stream    session history pull stream
 *   chat_error        chat stream (callback) that the gateway ends with `event: error`
 *   responses_stream  /v1/responses pull stream
 *
 * Prints "rc=<result name> events=<n> bytes=<n> partial=<n> maxrss_kib=<n> vmpeak_kib=<n>"
 * (bytes: the text handed out: event texts, or the JSON string returned; then the peak
 * resident set and the peak address space), then
 * "message=<last error message>".
 * The client allows 64 MiB lines so that single-line events up to the event limit get through.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "openclaw_client.h"

static size_t events = 0, bytes = 0;

static int on_event(void *ud, const openclaw_event *ev) {
    (void)ud;
    events++;
    bytes += ev->text_len;
    return 0;
}

static openclaw_result drain(openclaw_stream *s) {
    const openclaw_event *ev = NULL;
    openclaw_result rc;
    while ((rc = openclaw_stream_next(s, &ev)) == OPENCLAW_RESULT_OK) {
        events++;
        bytes += ev->text_len;
    }
    openclaw_stream_free(s);
    return rc;
}

/* A "Vm…:" value of /proc/self/status in KiB (VmHWM: peak resident set, VmPeak: peak address
 * space), -1 when unknown. getrusage's ru_maxrss would also count the parent's memory when the
 * process was started by vfork + exec. */
static long status_kib(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0) kib = strtol(line + n, NULL, 10);
    if (f) fclose(f);
    return kib;
}

static openclaw_result json_out(openclaw_result rc, char **json) {
    if (rc == OPENCLAW_RESULT_OK) {
        bytes = strlen(*json);
        openclaw_string_free(*json);
    }
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: limits URL MODE LIMIT_MIB\n");
        return 2;
    }
    const char *url = argv[1], *mode = argv[2];
    rlim_t limit = (rlim_t)strtoull(argv[3], NULL, 10) << 20;
    struct rlimit rl = {limit, limit};
    if (setrlimit(RLIMIT_AS, &rl) != 0) {
        perror("setrlimit");
        return 2;
    }

    openclaw_client_builder *b = openclaw_client_builder_new();
    const openclaw_client *c = NULL;
    if (openclaw_client_builder_set_base_url(b, url) != OPENCLAW_RESULT_OK ||
        openclaw_client_builder_set_secret(b, "tok") != OPENCLAW_RESULT_OK ||
        openclaw_client_builder_set_max_line_bytes(b, 64u << 20) != OPENCLAW_RESULT_OK ||
        openclaw_client_builder_build(b, &c) != OPENCLAW_RESULT_OK) {
        fprintf(stderr, "client: %s\n", openclaw_last_error_message());
        return 2;
    }

    openclaw_result rc;
    openclaw_chat_request *req = openclaw_chat_request_new();
    openclaw_chat_request_add_message(req, OPENCLAW_ROLE_USER, "hi");
    openclaw_stream *s = NULL;
    char *json = NULL;
    if (strcmp(mode, "flat") == 0) {
        openclaw_chat_request_set_keep_text(req, false);
        rc = openclaw_chat_stream(c, req, on_event, NULL);
    } else if (strcmp(mode, "keep") == 0) {
        rc = openclaw_chat_stream_open(c, req, &s);
        if (rc == OPENCLAW_RESULT_OK) rc = drain(s);
    } else if (strcmp(mode, "chat_error") == 0) {
        rc = openclaw_chat_stream(c, req, on_event, NULL);
    } else if (strcmp(mode, "tool") == 0) {
        openclaw_tool_call *call = NULL;
        rc = openclaw_tool_call_new("big", NULL, &call);
        if (rc == OPENCLAW_RESULT_OK) rc = json_out(openclaw_tool_invoke(c, call, &json), &json);
        openclaw_tool_call_free(call);
    } else if (strcmp(mode, "history") == 0) {
        rc = json_out(openclaw_session_history(c, "agent:main:k", 0, NULL, &json), &json);
    } else if (strcmp(mode, "history_stream") == 0) {
        rc = openclaw_session_history_stream_open(c, "agent:main:k", NULL, 0, &s);
        if (rc == OPENCLAW_RESULT_OK) rc = drain(s);
    } else if (strcmp(mode, "responses_stream") == 0) {
        openclaw_responses_request *r = openclaw_responses_request_new();
        openclaw_responses_request_add_message(r, OPENCLAW_ROLE_USER, "hi");
        rc = openclaw_responses_stream_open(c, r, &s);
        if (rc == OPENCLAW_RESULT_OK) rc = drain(s);
        openclaw_responses_request_free(r);
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }

    size_t partial = 0;
    openclaw_last_error_partial_text(&partial);
    printf("rc=%s events=%zu bytes=%zu partial=%zu maxrss_kib=%ld vmpeak_kib=%ld\n",
           openclaw_result_name(rc), events, bytes, partial, status_kib("VmHWM:"),
           status_kib("VmPeak:"));
    printf("message=%s\n", openclaw_last_error_message());
    openclaw_chat_request_free(req);
    openclaw_client_free(c);
    return 0;
}
