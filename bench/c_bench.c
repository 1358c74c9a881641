/* c_bench.c — the C API under load. Prints one JSON line.
 *   c_bench callback URL N | pull URL N | latency URL N PACE_US | rate URL N | threads URL T N
 *         | memory URL BYTES (flat mode: keep_text off; VmRSS sampled every 10%)
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "openclaw_client.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = 0;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0) v = atol(line + n);
    if (f) fclose(f);
    return v;
}

static long max_rss_kib(void) { return status_kib("VmHWM:"); }

static const openclaw_client *make(const char *url) {
    openclaw_client_builder *b = openclaw_client_builder_new();
    openclaw_client_builder_set_base_url(b, url);
    openclaw_client_builder_set_secret(b, "bench");
    const openclaw_client *c = NULL;
    if (openclaw_client_builder_build(b, &c) != OPENCLAW_RESULT_OK) {
        fprintf(stderr, "%s\n", openclaw_last_error_message());
        exit(2);
    }
    return c;
}

static openclaw_chat_request *req(const char *n, const char *pace_us) {
    openclaw_chat_request *r = openclaw_chat_request_new();
    openclaw_chat_request_add_message(r, OPENCLAW_ROLE_USER, "bench");
    if (n) openclaw_chat_request_add_header(r, "x-bench-deltas", n);
    if (pace_us) openclaw_chat_request_add_header(r, "x-bench-paced-us", pace_us);
    return r;
}

struct counter {
    size_t deltas;
    size_t bytes;
    unsigned long long *lat;
    size_t nlat;
};

static int on_event(void *ud, const openclaw_event *ev) {
    struct counter *c = (struct counter *)ud;
    if (ev->kind == OPENCLAW_EVENT_CONTENT) {
        c->deltas++;
        c->bytes += ev->text_len;
    }
    return 0;
}

struct mem_counter {
    size_t deltas;
    size_t every;
    long samples[16];
    int nsamples;
};

static int on_memory(void *ud, const openclaw_event *ev) {
    struct mem_counter *c = (struct mem_counter *)ud;
    if (ev->kind == OPENCLAW_EVENT_CONTENT && ++c->deltas % c->every == 0 && c->nsamples < 16)
        c->samples[c->nsamples++] = status_kib("VmRSS:");
    return 0;
}

static int on_latency(void *ud, const openclaw_event *ev) {
    struct counter *c = (struct counter *)ud;
    if (ev->kind == OPENCLAW_EVENT_CONTENT && ev->text_len > 2 && ev->text[0] == 't') {
        unsigned long long sent = strtoull(ev->text + 2, NULL, 10);
        c->lat[c->nlat++] = now_ns() - sent;
    }
    return 0;
}

static int cmp(const void *a, const void *b) {
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *mode, size_t deltas, double secs) {
    printf("{\"mode\":\"%s\",\"deltas\":%zu,\"secs\":%.6f,\"ns_per_delta\":%.1f,\"deltas_per_s\":%.0f,\"max_rss_kib\":%ld}\n",
           mode, deltas, secs, secs * 1e9 / (double)(deltas ? deltas : 1), (double)deltas / secs, max_rss_kib());
}

struct thread_arg {
    const openclaw_client *c;
    const char *n;
    size_t deltas;
};

static void *thread_main(void *p) {
    struct thread_arg *a = (struct thread_arg *)p;
    openclaw_chat_request *r = req(a->n, NULL);
    struct counter cnt = {0, 0, NULL, 0};
    if (openclaw_chat_stream(a->c, r, on_event, &cnt) != OPENCLAW_RESULT_OK) fprintf(stderr, "%s\n", openclaw_last_error_message());
    a->deltas = cnt.deltas;
    openclaw_chat_request_free(r);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    const char *mode = argv[1], *url = argv[2];
    const openclaw_client *c = make(url);
    if (strcmp(mode, "callback") == 0) {
        openclaw_chat_request *r = req(argv[3], NULL);
        struct counter cnt = {0, 0, NULL, 0};
        double t = now_s();
        openclaw_result rc = openclaw_chat_stream(c, r, on_event, &cnt);
        double secs = now_s() - t;
        if (rc != OPENCLAW_RESULT_OK) fprintf(stderr, "%s\n", openclaw_last_error_message());
        report("c-callback", cnt.deltas, secs);
        openclaw_chat_request_free(r);
    } else if (strcmp(mode, "pull") == 0) {
        openclaw_chat_request *r = req(argv[3], NULL);
        size_t deltas = 0;
        double t = now_s();
        openclaw_stream *s = NULL;
        if (openclaw_chat_stream_open(c, r, &s) != OPENCLAW_RESULT_OK) return 1;
        const openclaw_event *ev;
        while (openclaw_stream_next(s, &ev) == OPENCLAW_RESULT_OK)
            if (ev->kind == OPENCLAW_EVENT_CONTENT) deltas++;
        double secs = now_s() - t;
        openclaw_stream_free(s);
        report("c-pull", deltas, secs);
        openclaw_chat_request_free(r);
    } else if (strcmp(mode, "latency") == 0) {
        size_t n = (size_t)atol(argv[3]);
        openclaw_chat_request *r = req(argv[3], argv[4]);
        struct counter cnt = {0, 0, calloc(n + 1, sizeof(unsigned long long)), 0};
        openclaw_chat_stream(c, r, on_latency, &cnt);
        qsort(cnt.lat, cnt.nlat, sizeof *cnt.lat, cmp);
        printf("{\"mode\":\"latency\",\"samples\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}\n", cnt.nlat,
               cnt.lat[cnt.nlat / 2] / 1e3, cnt.lat[cnt.nlat * 99 / 100] / 1e3, cnt.lat[cnt.nlat - 1] / 1e3);
        free(cnt.lat);
        openclaw_chat_request_free(r);
    } else if (strcmp(mode, "rate") == 0) {
        long n = atol(argv[3]);
        openclaw_chat_request *r = req(NULL, NULL);
        openclaw_chat_result *res = NULL;
        openclaw_chat(c, r, &res);
        openclaw_chat_result_free(res);
        double t = now_s();
        for (long i = 0; i < n; i++) {
            if (openclaw_chat(c, r, &res) != OPENCLAW_RESULT_OK) {
                fprintf(stderr, "%s\n", openclaw_last_error_message());
                return 1;
            }
            openclaw_chat_result_free(res);
        }
        double secs = now_s() - t;
        printf("{\"mode\":\"c-rate\",\"requests\":%ld,\"secs\":%.6f,\"per_s\":%.0f,\"max_rss_kib\":%ld}\n", n, secs, (double)n / secs, max_rss_kib());
        openclaw_chat_request_free(r);
    } else if (strcmp(mode, "memory") == 0) {
        openclaw_chat_request *r = req(NULL, NULL);
        openclaw_chat_request_add_header(r, "x-bench-bytes", argv[3]);
        openclaw_chat_request_set_keep_text(r, false);
        unsigned long long bytes = strtoull(argv[3], NULL, 10);
        struct mem_counter cnt = {0, (size_t)(bytes / 209 / 10), {0}, 0};
        if (cnt.every == 0) cnt.every = 1;
        double t = now_s();
        openclaw_result rc = openclaw_chat_stream(c, r, on_memory, &cnt);
        double secs = now_s() - t;
        if (rc != OPENCLAW_RESULT_OK) {
            fprintf(stderr, "%s\n", openclaw_last_error_message());
            return 1;
        }
        printf("{\"mode\":\"c-memory\",\"bytes\":%llu,\"deltas\":%zu,\"secs\":%.3f,\"rss_samples_kib\":[", bytes, cnt.deltas, secs);
        for (int i = 0; i < cnt.nsamples; i++) printf("%s%ld", i ? "," : "", cnt.samples[i]);
        printf("],\"max_rss_kib\":%ld}\n", max_rss_kib());
        openclaw_chat_request_free(r);
    } else if (strcmp(mode, "threads") == 0) {
        int threads = atoi(argv[3]);
        long total = atol(argv[4]);
        char per[32];
        snprintf(per, sizeof per, "%ld", total / threads);
        pthread_t *th = calloc((size_t)threads, sizeof *th);
        struct thread_arg *args = calloc((size_t)threads, sizeof *args);
        double t = now_s();
        for (int i = 0; i < threads; i++) {
            args[i] = (struct thread_arg){c, per, 0};
            pthread_create(&th[i], NULL, thread_main, &args[i]);
        }
        size_t deltas = 0;
        for (int i = 0; i < threads; i++) {
            pthread_join(th[i], NULL);
            deltas += args[i].deltas;
        }
        double secs = now_s() - t;
        char m[32];
        snprintf(m, sizeof m, "c-threads-%d", threads);
        report(m, deltas, secs);
        free(th);
        free(args);
    }
    openclaw_client_free(c);
    return 0;
}
