// hpp_test.cpp — exercises include/openclaw_client.hpp against the mock gateway of
// tests/c_examples.rs: exceptions with their details, moves of every owning type, cancellation
// from another thread, an idle timeout, tool calls, and range-for streaming. Run under valgrind by the test.
//
// Usage: hpp_test GATEWAY_URL DISABLED_URL DEAD_URL   (the gateway wants the token "tok")
// Exit status 0 when every check passed; each failed check is printed to stderr.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "openclaw_client.hpp"

namespace {

int checks = 0;
int failures = 0;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        ++checks;                                                                     \
        if (!(cond)) {                                                                \
            ++failures;                                                               \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                             \
    } while (0)

// Every owning type is move-only, and moves never throw.
template <typename T>
constexpr bool move_only_v = !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T> &&
                             std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T>;
static_assert(move_only_v<openclaw::Client>);
static_assert(move_only_v<openclaw::ClientBuilder>);
static_assert(move_only_v<openclaw::ChatRequest>);
static_assert(move_only_v<openclaw::CancelToken>);
static_assert(move_only_v<openclaw::Stream>);
static_assert(move_only_v<openclaw::ChatResult>);
static_assert(move_only_v<openclaw::Diagnosis>);

// Runs f and returns the openclaw::Error it throws; a missing throw is a failed check.
template <typename F>
std::optional<openclaw::Error> thrown(F &&f, int line) {
    try {
        f();
    } catch (const openclaw::Error &e) {
        return e;
    }
    ++checks;
    ++failures;
    std::fprintf(stderr, "%s:%d: expected an openclaw::Error\n", __FILE__, line);
    return std::nullopt;
}
#define THROWN(expr) thrown([&] { (void)(expr); }, __LINE__)

openclaw::Client make(const std::string &url, const char *token = "tok") {
    return openclaw::ClientBuilder().base_url(url).secret(token).max_retries(0).build();
}

void test_chat(const std::string &url) {
    openclaw::Client c = make(url);
    openclaw::ChatRequest req;
    req.user("hi c++");
    openclaw::ChatResult r = c.chat(req);
    CHECK(r.text() == "echo: hi c++");
    CHECK(r.finish_reason() == "stop");
    CHECK(r.usage().has_value() && r.usage()->total_tokens == 15);
    CHECK(!r.empty() && r.tool_call_count() == 0);
    CHECK(c.base_url() == url);
    CHECK(c.health());
    std::vector<std::string> models = c.models();
    CHECK(models.size() == 2 && models[0] == "openclaw" && models[1] == "openclaw/main");
    CHECK(c.invoke_tool("sessions_list", "{\"limit\":2}").find("\"content\"") != std::string::npos);
    openclaw::Diagnosis d = c.check_connection();
    CHECK(d.ok() && d.version() == "2026.9.6");
}

void test_tool_calls(const std::string &url) {
    openclaw::Client c = make(url);
    openclaw::ChatRequest req;
    req.user("use a tool").tool("get_weather", "Weather for a city", "{\"type\":\"object\"}");
    openclaw::ChatResult r = c.chat(req);
    CHECK(r.finish_reason() == "tool_calls");
    CHECK(r.tool_call_count() == 1);
    openclaw::ToolCall call = r.tool_call(0);
    CHECK(call.id == "call_1" && call.name == "get_weather" && call.arguments == "{\"city\":\"Paris\"}");
    auto e = THROWN(r.tool_call(1));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);
}

void test_stream(const std::string &url) {
    openclaw::Client c = make(url);
    openclaw::ChatRequest req;
    req.user("range for").include_usage();
    openclaw::Stream s = c.stream(req);
    std::vector<openclaw_event_kind> kinds;
    std::string text;
    for (const openclaw::Event &ev : s) {
        kinds.push_back(ev.kind());
        if (ev.kind() == OPENCLAW_EVENT_CONTENT) text += ev.text();  // copy the borrowed view
        if (ev.kind() == OPENCLAW_EVENT_USAGE) CHECK(ev.usage().total_tokens == 15);
        if (ev.kind() == OPENCLAW_EVENT_FINISH) CHECK(ev.text() == "stop");
    }
    CHECK(text == "echo: range for");
    CHECK(s.text() == "echo: range for");
    CHECK(!kinds.empty() && kinds.front() == OPENCLAW_EVENT_ROLE && kinds.back() == OPENCLAW_EVENT_DONE);
    CHECK(s.begin() == openclaw::Stream::sentinel{});  // ended: nothing more
}

void test_moves(const std::string &url) {
    openclaw::Client a = make(url);
    openclaw::Client b = std::move(a);
    CHECK(a.get() == nullptr && b.get() != nullptr);

    openclaw::ChatRequest r1;
    r1.user("moved request");
    openclaw::ChatRequest r2 = std::move(r1);
    CHECK(r1.get() == nullptr && r2.get() != nullptr);

    std::optional<openclaw::Stream> later;
    {
        openclaw::Client scoped = make(url);
        openclaw::Stream s1 = scoped.stream(r2);
        std::optional<openclaw::Event> first = s1.next();
        CHECK(first && first->kind() == OPENCLAW_EVENT_ROLE);
        later.emplace(std::move(s1));
        CHECK(s1.get() == nullptr);
    }  // the client is freed; the stream keeps its own reference
    std::string text;
    for (const openclaw::Event &ev : *later)
        if (ev.kind() == OPENCLAW_EVENT_CONTENT) text += ev.text();
    CHECK(text == "echo: moved request");

    openclaw::Client c = make(url);
    c = std::move(b);  // frees c's own client, takes b's
    CHECK(b.get() == nullptr && c.get() != nullptr);
    CHECK(c.chat(r2).text() == "echo: moved request");

    openclaw::CancelToken t1;
    openclaw::CancelToken t2 = std::move(t1);
    CHECK(t1.get() == nullptr && !t2.cancelled());
    t1.cancel();  // a moved-from token ignores cancel (NULL is accepted)
    CHECK(!t2.cancelled());
}

void test_errors(const std::string &url, const std::string &disabled, const std::string &dead) {
    openclaw::ChatRequest req;
    req.user("hi");

    auto e = THROWN(make(url, "wrong").chat(req));
    CHECK(e && e->code() == OPENCLAW_RESULT_UNAUTHORIZED);
    CHECK(e && e->http_status() == 401 && e->type() == "unauthorized");
    CHECK(e && std::string(e->what()).find("OPENCLAW_RESULT_UNAUTHORIZED") != std::string::npos);
    CHECK(e && std::string(e->what()).find("wrong") == std::string::npos);  // never the secret

    e = THROWN(make(url, "wrong").stream(req));
    CHECK(e && e->code() == OPENCLAW_RESULT_UNAUTHORIZED);

    e = THROWN(make(disabled).stream(req));
    CHECK(e && e->code() == OPENCLAW_RESULT_NOT_ENABLED && e->http_status() == 404);
    CHECK(e && e->message().find("chatCompletions") != std::string::npos);

    e = THROWN(make(dead).chat(req));
    CHECK(e && e->code() == OPENCLAW_RESULT_CONNECT && e->http_status() == 0);
    CHECK(make(dead).check_connection().code() == OPENCLAW_DIAGNOSIS_UNREACHABLE);

    openclaw::ClientBuilder bad;
    bad.base_url("not a url");
    e = THROWN(bad.build());
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);
    CHECK(bad.get() == nullptr);  // consumed even though it failed

    openclaw::ChatRequest nul;
    e = THROWN(nul.user(std::string_view("a\0b", 3)));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);

    e = THROWN(openclaw::ChatRequest().session_key("subagent:x"));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT && !e->message().empty());
}

void test_cancel(const std::string &url) {
    openclaw::Client c = make(url);
    openclaw::CancelToken token;
    openclaw::ChatRequest req;
    req.user("stall").cancel_token(token);
    std::thread canceller;
    std::string seen;
    auto e = THROWN([&] {
        for (const openclaw::Event &ev : c.stream(req)) {
            if (ev.kind() != OPENCLAW_EVENT_CONTENT) continue;
            seen += ev.text();
            // The gateway now stays silent for 20 s: cancel from another thread.
            canceller = std::thread([&token] {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                token.cancel();
            });
        }
    }());
    if (canceller.joinable()) canceller.join();
    CHECK(seen == "thinking...");
    CHECK(e && e->code() == OPENCLAW_RESULT_CANCELLED);
    CHECK(e && e->partial_text() == "thinking...");
    CHECK(token.cancelled());

    // Leaving a range-for early destroys the stream, closing its connection.
    openclaw::ChatRequest again;
    again.user("stall");
    int events = 0;
    for (const openclaw::Event &ev : c.stream(again)) {
        ++events;
        if (ev.kind() == OPENCLAW_EVENT_CONTENT) break;
    }
    CHECK(events == 2);
}

void test_idle_timeout(const std::string &url) {
    openclaw::Client c = make(url);
    openclaw::ChatRequest req;
    req.user("stall").idle_timeout(std::chrono::milliseconds(300));
    auto e = THROWN([&] {
        for (const openclaw::Event &ev : c.stream(req)) (void)ev;
    }());
    CHECK(e && e->code() == OPENCLAW_RESULT_TIMEOUT && e->partial_text() == "thinking...");
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s GATEWAY_URL DISABLED_URL DEAD_URL\n", argv[0]);
        return 2;
    }
    const std::string url = argv[1], disabled = argv[2], dead = argv[3];
    try {
        test_chat(url);
        test_tool_calls(url);
        test_stream(url);
        test_moves(url);
        test_errors(url, disabled, dead);
        test_cancel(url);
        test_idle_timeout(url);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        return 1;
    }
    std::printf("hpp_test: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
