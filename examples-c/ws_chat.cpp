// ws_chat.cpp — C++17 on include/openclaw_client.hpp: streams one reply over the gateway's
// WebSocket control plane (WsConnection, a range-for over a WsChatRun, exceptions).
// Usage: ws_chat_cpp [-u URL] [-t TOKEN] MESSAGE
// Sends MESSAGE on session "main" (chat.send) and prints the reply as it arrives. Exit 0 when
// the run finished, 1 otherwise (2: no MESSAGE).
#include <cstdio>
#include <string>

#include "common.h"
#include "openclaw_client.hpp"

int main(int argc, char **argv) {
    int first;
    const openclaw_client *raw = example_client(argc, argv, &first);
    if (!raw) return 1;
    openclaw::Client client(raw);  // owns it from here on
    if (first >= argc) {
        std::fprintf(stderr, "usage: %s [-u URL] [-t TOKEN] MESSAGE\n", argv[0]);
        return 2;
    }
    try {
        openclaw::WsConnection ws = client.ws_connect();
        openclaw::WsChatRun run = ws.chat_run("main", argv[first]);
        std::size_t printed = 0;
        for (const openclaw::WsEvent &ev : run) {
            if (ev.kind() == OPENCLAW_WS_EVENT_RUN_DELTA && !ev.replace()) {
                std::fwrite(ev.text().data(), 1, ev.text().size(), stdout);
                std::fflush(stdout);
                printed += ev.text().size();
            } else if (ev.kind() == OPENCLAW_WS_EVENT_RUN_FINAL) {
                // The final text is authoritative (after a tool call the gateway replaces the text).
                if (printed == 0 || printed != ev.text().size()) {
                    if (printed) std::fputc('\n', stdout);
                    std::fwrite(ev.text().data(), 1, ev.text().size(), stdout);
                }
                std::fputc('\n', stdout);
                return 0;
            } else if (ev.kind() == OPENCLAW_WS_EVENT_RUN_ABORTED) {
                std::fprintf(stderr, "\n[aborted: %.*s]\n", static_cast<int>(ev.state().size()), ev.state().data());
                return 1;
            }
        }
        std::fprintf(stderr, "\nthe run ended without a final reply\n");
    } catch (const openclaw::Error &e) {
        std::fprintf(stderr, "\n%s\n", e.what());
    }
    return 1;
}
