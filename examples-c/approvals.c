/* approvals.c — prints exec approval requests as they come and resolves each.
 * Usage: approvals [-u URL] [-t TOKEN] --allow|--deny [-n COUNT]
 * Connects with the operator.admin and operator.approvals scopes (the gateway sends agent-run
 * approvals only to such connections), then for every exec.approval.requested event prints
 * `request <id> <command>`, answers allow-once or deny, and prints `resolved <id> <decision>`.
 * With -n it stops after COUNT approvals (exit 0); otherwise it runs until the connection ends.
 */
#include "common.h"

int main(int argc, char **argv) {
    int first;
    const openclaw_client *c = example_client(argc, argv, &first);
    if (!c) return 1;
    const char *decision = NULL;
    long count = -1;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--allow") == 0) decision = "allow-once";
        else if (strcmp(argv[i], "--deny") == 0) decision = "deny";
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) count = strtol(argv[++i], NULL, 10);
        else decision = NULL, i = argc;
    }
    if (!decision) {
        fprintf(stderr, "usage: %s [-u URL] [-t TOKEN] --allow|--deny [-n COUNT]\n", argv[0]);
        openclaw_client_free(c);
        return 2;
    }
    openclaw_ws_options *o = NULL;
    openclaw_ws *ws = NULL;
    openclaw_result rc = openclaw_ws_options_new(&o);
    if (rc == OPENCLAW_RESULT_OK)
        rc = openclaw_ws_options_set_scopes(o, "operator.read,operator.write,operator.admin,operator.approvals");
    if (rc == OPENCLAW_RESULT_OK) rc = openclaw_ws_connect(c, o, &ws);
    openclaw_ws_options_free(o);
    if (rc != OPENCLAW_RESULT_OK) {
        print_error("ws_connect", rc);
        openclaw_client_free(c);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    long done = 0;
    while (count < 0 || done < count) {
        openclaw_ws_event *ev = NULL;
        rc = openclaw_ws_next_event(ws, -1, &ev);
        if (rc != OPENCLAW_RESULT_OK) {
            print_error("next_event", rc);
            break;
        }
        if (ev->kind == OPENCLAW_WS_EVENT_APPROVAL_REQUESTED) {
            printf("request %s %s\n", ev->id, ev->text);
            fflush(stdout);
            rc = openclaw_ws_approval_resolve(ws, ev->id, decision);
            if (rc == OPENCLAW_RESULT_OK) {
                printf("resolved %s %s\n", ev->id, decision);
                done++;
            } else {
                print_error("approval_resolve", rc);
            }
            fflush(stdout);
        }
        openclaw_ws_event_free(ev);
    }
    openclaw_ws_free(ws);
    openclaw_client_free(c);
    return (count < 0 || done >= count) ? 0 : 1;
}
