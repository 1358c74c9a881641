/* Shared helpers for the examples: build a client from discovery plus command-line overrides.
 *
 * Every example accepts:  -u URL   gateway base URL (else OPENCLAW_GATEWAY_URL / config / default)
 *                         -t TOKEN gateway token or password (else OPENCLAW_GATEWAY_TOKEN / config)
 * and then its own positional arguments.
 */
#ifndef OPENCLAW_EXAMPLE_COMMON_H
#define OPENCLAW_EXAMPLE_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openclaw_client.h"

/* Prints the last error of this thread with its code name, to stderr. */
static inline void print_error(const char *what, openclaw_result rc) {
    fprintf(stderr, "%s failed: %s: %s\n", what, openclaw_result_name(rc), openclaw_last_error_message());
}

/* Builds a client; consumes -u/-t from argv and returns the index of the first positional
 * argument in *first_arg. Returns NULL (after printing why) on failure. */
static inline const openclaw_client *example_client(int argc, char **argv, int *first_arg) {
    const char *url = NULL, *token = NULL;
    int i = 1;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
            printf("usage: %s [-u URL] [-t TOKEN] [arguments]\n"
                   "  -u URL    gateway base URL, e.g. http://127.0.0.1:18789 (default: discovery:\n"
                   "            OPENCLAW_GATEWAY_URL, then ~/.openclaw/openclaw.json, then 127.0.0.1:18789)\n"
                   "  -t TOKEN  gateway token or password (default: OPENCLAW_GATEWAY_TOKEN / the config)\n"
                   "The example's own arguments are described at the top of its source in examples-c/.\n",
                   argv[0]);
            exit(0);
        }
    }
    while (i + 1 < argc && argv[i][0] == '-' && argv[i][1] != '\0' && argv[i][2] == '\0') {
        if (argv[i][1] == 'u') url = argv[i + 1];
        else if (argv[i][1] == 't') token = argv[i + 1];
        else break;
        i += 2;
    }
    *first_arg = i;
    openclaw_client_builder *b = NULL;
    openclaw_result rc = openclaw_client_builder_new_default(&b);
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("discovery", rc);
        return NULL;
    }
    if (url && (rc = openclaw_client_builder_set_base_url(b, url)) != OPENCLAW_RESULT_OK) {
        print_error("set_base_url", rc);
        openclaw_client_builder_free(b);
        return NULL;
    }
    if (token && (rc = openclaw_client_builder_set_secret(b, token)) != OPENCLAW_RESULT_OK) {
        print_error("set_secret", rc);
        openclaw_client_builder_free(b);
        return NULL;
    }
    const openclaw_client *c = NULL;
    rc = openclaw_client_builder_build(b, &c); /* consumes b */
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("build", rc);
        return NULL;
    }
    return c;
}

/* Prints the connection diagnosis to stderr (used when a call cannot reach the gateway). */
static inline void print_diagnosis(const openclaw_client *c) {
    openclaw_diagnosis *d = NULL;
    if (openclaw_check_connection(c, &d) == OPENCLAW_RESULT_OK) {
        fprintf(stderr, "%s\n", openclaw_diagnosis_text(d));
        openclaw_diagnosis_free(d);
    }
}

#endif
