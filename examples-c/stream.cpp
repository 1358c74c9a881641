// stream.cpp — C++17 on include/openclaw_client.hpp: RAII handles, exceptions and a range-for
// over the pull stream.
// Usage: stream_cpp [-u URL] [-t TOKEN] [message]
#include <cstdio>
#include <string>

#include "common.h"
#include "openclaw_client.hpp"

int main(int argc, char **argv) {
    int first;
    const openclaw_client *raw = example_client(argc, argv, &first);
    if (!raw) return 2;
    openclaw::Client client(raw);  // owns it from here on
    std::string msg = first < argc ? argv[first] : "Hello from C++!";
    try {
        openclaw::ChatRequest req;
        req.user(msg).include_usage();
        std::string finish = "none";
        for (const openclaw::Event &ev : client.stream(req)) {
            switch (ev.kind()) {
            case OPENCLAW_EVENT_CONTENT:
                std::fwrite(ev.text().data(), 1, ev.text().size(), stdout);
                std::fflush(stdout);
                break;
            case OPENCLAW_EVENT_FINISH: finish = ev.text(); break;
            case OPENCLAW_EVENT_USAGE: {
                openclaw::Usage u = ev.usage();
                std::printf("\n[usage: %llu prompt + %llu completion = %llu]", (unsigned long long)u.prompt_tokens,
                            (unsigned long long)u.completion_tokens, (unsigned long long)u.total_tokens);
                break;
            }
            case OPENCLAW_EVENT_DONE: std::printf("\n[finish: %s]\n", finish.c_str()); break;
            default: break;
            }
        }
    } catch (const openclaw::Error &e) {
        std::fprintf(stderr, "\n%s\n", e.what());
        return 1;
    }
    return 0;
}
