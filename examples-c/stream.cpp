// stream.cpp — C++17: RAII wrappers and a range-for over the pull stream.
// Usage: stream_cpp [-u URL] [-t TOKEN] [message]
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "common.h"

namespace openclaw {

struct Error : std::runtime_error {
    openclaw_result code;
    Error(const char *what, openclaw_result rc)
        : std::runtime_error(std::string(what) + ": " + openclaw_result_name(rc) + ": " +
                             openclaw_last_error_message()),
          code(rc) {}
};

inline void check(const char *what, openclaw_result rc) {
    if (rc != OPENCLAW_RESULT_OK) throw Error(what, rc);
}

struct ClientDeleter { void operator()(const openclaw_client *c) const { openclaw_client_free(c); } };
struct RequestDeleter { void operator()(openclaw_chat_request *r) const { openclaw_chat_request_free(r); } };
struct StreamDeleter { void operator()(openclaw_stream *s) const { openclaw_stream_free(s); } };

using ClientPtr = std::unique_ptr<const openclaw_client, ClientDeleter>;

class Request {
  public:
    Request() : r_(openclaw_chat_request_new()) {}
    Request &user(const std::string &text) {
        check("add_message", openclaw_chat_request_add_message(r_.get(), OPENCLAW_ROLE_USER, text.c_str()));
        return *this;
    }
    Request &include_usage() {
        check("include_usage", openclaw_chat_request_set_include_usage(r_.get(), true));
        return *this;
    }
    const openclaw_chat_request *get() const { return r_.get(); }

  private:
    std::unique_ptr<openclaw_chat_request, RequestDeleter> r_;
};

// A pull stream usable in a range-for; iteration stops at the end, errors throw.
class Stream {
  public:
    Stream(const openclaw_client *c, const Request &r) {
        openclaw_stream *s = nullptr;
        check("stream_open", openclaw_chat_stream_open(c, r.get(), &s));
        s_.reset(s);
    }
    class iterator {
      public:
        explicit iterator(openclaw_stream *s) : s_(s) { advance(); }
        iterator() = default;
        const openclaw_event &operator*() const { return *ev_; }
        iterator &operator++() { advance(); return *this; }
        bool operator!=(const iterator &o) const { return ev_ != o.ev_; }

      private:
        void advance() {
            const openclaw_event *ev = nullptr;
            openclaw_result rc = openclaw_stream_next(s_, &ev);
            if (rc == OPENCLAW_RESULT_END) { ev_ = nullptr; return; }
            check("stream_next", rc);
            ev_ = ev;
        }
        openclaw_stream *s_ = nullptr;
        const openclaw_event *ev_ = nullptr;
    };
    iterator begin() { return iterator(s_.get()); }
    iterator end() { return iterator(); }

  private:
    std::unique_ptr<openclaw_stream, StreamDeleter> s_;
};

}  // namespace openclaw

int main(int argc, char **argv) {
    int first;
    openclaw::ClientPtr client(example_client(argc, argv, &first));
    if (!client) return 2;
    std::string msg = first < argc ? argv[first] : "Hello from C++!";
    try {
        openclaw::Request req;
        req.user(msg).include_usage();
        std::string finish = "none";
        for (const openclaw_event &ev : openclaw::Stream(client.get(), req)) {
            switch (ev.kind) {
            case OPENCLAW_EVENT_CONTENT:
                std::fwrite(ev.text, 1, ev.text_len, stdout);
                std::fflush(stdout);
                break;
            case OPENCLAW_EVENT_FINISH: finish.assign(ev.text, ev.text_len); break;
            case OPENCLAW_EVENT_USAGE:
                std::printf("\n[usage: %llu prompt + %llu completion = %llu]",
                            (unsigned long long)ev.prompt_tokens, (unsigned long long)ev.completion_tokens,
                            (unsigned long long)ev.total_tokens);
                break;
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
