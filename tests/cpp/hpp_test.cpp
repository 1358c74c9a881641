// hpp_test.cpp — exercises include/openclaw_client.hpp against the mock gateways of
// tests/c_examples.rs: exceptions with their details, moves of every owning type, cancellation
// from another thread, an idle timeout, tool calls, and range-for streaming; over WebSocket the
// handshake and its typed failures, calls and RPC errors, typed requests, events, chat runs to
// final, failed and aborted from another thread, device identity. Run under valgrind by the test.
//
// Usage: hpp_test GATEWAY_URL DISABLED_URL DEAD_URL WS_URL DEVICE_DIR
//   (both gateways want the token "tok"; DEVICE_DIR is an empty directory for device keys)
// Exit status 0 when every check passed; each failed check is printed to stderr.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
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
static_assert(move_only_v<openclaw::WsOptions>);
static_assert(move_only_v<openclaw::WsConnection>);
static_assert(move_only_v<openclaw::WsChatRun>);
static_assert(move_only_v<openclaw::WsEvent>);

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


// ---- WebSocket: the scripted mock of tests/c_examples.rs (ws_gateway) ----

using std::chrono::milliseconds;
using std::chrono::seconds;

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// A connection with a bounded request timeout (a missing answer fails instead of hanging).
openclaw::WsConnection ws_connect(const std::string &url) {
    openclaw::WsOptions opts;
    opts.request_timeout(seconds(20));
    return make(url).ws_connect(opts);
}

// Pulls events until one of `kind` comes (each waited for at most 10 s; at most 100 events).
std::optional<openclaw::WsEvent> wait_event(const openclaw::WsConnection &ws, openclaw_ws_event_kind kind) {
    for (int i = 0; i < 100; ++i) {
        std::optional<openclaw::WsEvent> ev = ws.next_event(seconds(10));
        if (!ev || ev->kind() == kind) return ev;
    }
    return std::nullopt;
}

void test_ws_handshake(const std::string &url, const std::string &dead) {
    openclaw::WsOptions opts;
    opts.scopes("operator.read, operator.write").request_timeout(seconds(20)).event_queue_capacity(64);
    openclaw::WsConnection ws = make(url).ws_connect(opts);  // the Client is gone: the connection stays
    std::string hello = ws.hello_json();
    CHECK(contains(hello, "\"version\":\"mock\""));
    CHECK(contains(hello, "\"scopes\":[\"operator.read\",\"operator.write\"]"));
    CHECK(contains(hello, "\"auth\":\"token\"") && contains(hello, "\"device\":null"));
    CHECK(ws.call("echo", "{\"a\":1}") == "{\"echo\":{\"a\":1}}");

    // Each failed handshake is an openclaw::Error with its WebSocket code and the gateway's code.
    auto e = THROWN(make(url, "wrong-secret-42").ws_connect());
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_AUTH && e->type() == "AUTH_TOKEN_MISMATCH");
    CHECK(e && contains(e->what(), "OPENCLAW_RESULT_WS_AUTH") && !contains(e->what(), "wrong-secret-42"));
    e = THROWN(make(url, "unpaired").ws_connect());
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_PAIRING_REQUIRED && contains(e->message(), "wait_then_retry"));
    e = THROWN(make(url, "old").ws_connect());
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_PROTOCOL_MISMATCH && e->type() == "PROTOCOL_MISMATCH");
    CHECK(e && contains(e->message(), "expects 5"));
    openclaw::WsOptions no_secret;
    no_secret.use_shared_secret(false);
    e = THROWN(make(url).ws_connect(no_secret));
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_AUTH && e->type() == "AUTH_TOKEN_MISSING");
    e = THROWN(make(dead).ws_connect());
    CHECK(e && e->code() == OPENCLAW_RESULT_CONNECT);

    // Options refused before anything is sent.
    e = THROWN(openclaw::WsOptions().request_timeout(milliseconds(-1)));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);
    e = THROWN(openclaw::WsOptions().scopes(std::string_view("a\0b", 3)));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);
}

void test_ws_calls(const std::string &url) {
    openclaw::WsConnection ws = ws_connect(url);
    CHECK(ws.call("echo", "[1,2]", openclaw::no_limit) == "{\"echo\":[1,2]}");

    // An RPC error: WS_RPC_ERROR, the gateway's code as type(), its message and retryAfterMs.
    auto e = THROWN(ws.call("boom"));
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_RPC_ERROR && e->type() == "BOOM_CODE");
    CHECK(e && contains(e->message(), "boom failed") && contains(e->what(), "OPENCLAW_RESULT_WS_RPC_ERROR"));
    CHECK(e && e->retry_after() == milliseconds(1500));
    e = THROWN(ws.call("admin.only"));
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_MISSING_SCOPE && e->type() == "MISSING_SCOPE");
    CHECK(e && contains(e->message(), "operator.admin"));
    // A call past its deadline times out; the connection goes on.
    e = THROWN(ws.call("silent", "", milliseconds(200)));
    CHECK(e && e->code() == OPENCLAW_RESULT_TIMEOUT);
    CHECK(ws.call("echo", "{}") == "{\"echo\":{}}");
    // Bad input is refused before anything is sent.
    e = THROWN(ws.call("echo", "{nope"));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);
    e = THROWN(ws.call(std::string_view("ec\0ho", 5)));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);
    e = THROWN(ws.approval_resolve("ap-1", "maybe"));
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT);

    // Typed requests: the mock answers {"method", "params"} (and fails on unexpected params).
    std::string h = ws.chat_history("agent:main:k", 3);
    CHECK(contains(h, "\"method\":\"chat.history\"") && contains(h, "\"limit\":3") &&
          contains(h, "\"sessionKey\":\"agent:main:k\""));
    CHECK(!contains(ws.chat_history("agent:main:k"), "limit"));
    CHECK(ws.sessions_list("{\"limit\":5}") == "{\"method\":\"sessions.list\",\"params\":{\"limit\":5}}");
    CHECK(ws.sessions_list() == "{\"method\":\"sessions.list\",\"params\":{}}");
    CHECK(contains(ws.approval_list(), "\"method\":\"exec.approval.list\""));
    CHECK(contains(ws.agents_list(), "\"method\":\"agents.list\""));
    CHECK(contains(ws.models_list(), "\"method\":\"models.list\""));
    CHECK(contains(ws.health(), "\"method\":\"health\""));
    ws.sessions_subscribe();
    ws.approval_resolve("ap-1", "deny");
    e = THROWN(ws.approval_resolve("ap-2", "deny"));  // the mock knows only ap-1
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_RPC_ERROR && e->type() == "UNKNOWN_APPROVAL");

    // One connection, several threads at once.
    std::vector<std::thread> threads;
    int ok[4] = {0, 0, 0, 0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&ws, &ok, t] {
            for (int i = 0; i < 5; ++i) {
                std::string n = std::to_string(t * 10 + i);
                if (ws.call("echo", n) == "{\"echo\":" + n + "}") ++ok[t];
            }
        });
    for (std::thread &t : threads) t.join();
    CHECK(ok[0] == 5 && ok[1] == 5 && ok[2] == 5 && ok[3] == 5);
}

void test_ws_events(const std::string &url) {
    openclaw::WsConnection ws = ws_connect(url);
    // Nothing queued yet: no event, without waiting and after a short wait.
    CHECK(!ws.next_event(milliseconds(0)));
    CHECK(!ws.next_event(milliseconds(100)));

    // chat.send: the run's events arrive on the queue.
    std::string run_id = ws.chat_send("main", "hi");
    CHECK(!run_id.empty());
    std::string deltas;
    bool tool = false;
    std::optional<openclaw::WsEvent> final_ev;
    for (int i = 0; i < 20 && !final_ev; ++i) {
        std::optional<openclaw::WsEvent> ev = ws.next_event(seconds(10));
        if (!ev) break;
        CHECK(ev->run_id() == run_id && ev->seq() > 0);
        if (ev->kind() == OPENCLAW_WS_EVENT_CHAT && ev->state() == "delta") deltas += ev->text();
        if (ev->kind() == OPENCLAW_WS_EVENT_AGENT)
            tool = ev->state() == "tool" && ev->phase() == "start" && ev->text() == "exec" && ev->id() == "t1";
        if (ev->kind() == OPENCLAW_WS_EVENT_CHAT && ev->state() == "final") final_ev = std::move(ev);
    }
    CHECK(deltas == "echo: hi" && tool);
    CHECK(final_ev && final_ev->name() == "chat" && final_ev->text() == "echo: hi");
    CHECK(final_ev && final_ev->session_key() == "agent:main:main");
    CHECK(final_ev && contains(final_ev->payload_json(), "\"stopReason\":\"stop\""));
    if (final_ev) {
        // A move hands the event over: views taken before stay valid.
        std::string_view text = final_ev->text();
        openclaw::WsEvent moved = std::move(*final_ev);
        CHECK(final_ev->get() == nullptr && moved.text().data() == text.data() && text == "echo: hi");
    }

    CHECK(!ws.chat_abort("main"));         // the mock aborts only a named run
    CHECK(ws.chat_abort("main", "run-x"));

    ws.sessions_messages_subscribe("agent:main:k");
    std::optional<openclaw::WsEvent> m = wait_event(ws, OPENCLAW_WS_EVENT_SESSION_MESSAGE);
    CHECK(m && m->session_key() == "agent:main:k" && m->state() == "user" && m->text() == "hello from elsewhere");
}

void test_ws_runs(const std::string &url) {
    openclaw::WsConnection ws = ws_connect(url);
    openclaw::WsChatRun run = ws.chat_run("s", "range for");
    run.idle_timeout(seconds(10));  // a missing event fails instead of waiting forever
    CHECK(!run.run_id().empty());
    std::vector<openclaw_ws_event_kind> kinds;
    std::string text, final_text, stop;
    for (const openclaw::WsEvent &ev : run) {
        kinds.push_back(ev.kind());
        CHECK(ev.run_id() == run.run_id());
        if (ev.kind() == OPENCLAW_WS_EVENT_RUN_DELTA) {
            if (ev.replace()) text.clear();
            text += ev.text();
        }
        if (ev.kind() == OPENCLAW_WS_EVENT_RUN_AGENT) CHECK(ev.text() == "exec" && ev.phase() == "start");
        if (ev.kind() == OPENCLAW_WS_EVENT_RUN_FINAL) {
            final_text = ev.text();
            stop = ev.state();
        }
    }
    CHECK(text == "echo: range for" && final_text == "echo: range for" && stop == "stop");
    CHECK(kinds.size() == 5 && kinds.front() == OPENCLAW_WS_EVENT_RUN_STATUS &&
          kinds[2] == OPENCLAW_WS_EVENT_RUN_AGENT && kinds.back() == OPENCLAW_WS_EVENT_RUN_FINAL);
    CHECK(run.begin() == openclaw::WsChatRun::sentinel{});  // ended: nothing more
    CHECK(!run.next(milliseconds(0)));

    // A failed run: STREAM_ERROR with the gateway's message and the text that arrived.
    openclaw::WsChatRun failing = ws.chat_run("s", "fail");
    failing.idle_timeout(seconds(10));
    std::string seen;
    auto e = THROWN([&] {
        for (const openclaw::WsEvent &ev : failing)
            if (ev.kind() == OPENCLAW_WS_EVENT_RUN_DELTA) seen += ev.text();
    }());
    CHECK(seen == "par");
    CHECK(e && e->code() == OPENCLAW_RESULT_STREAM_ERROR && e->partial_text() == "par");
    CHECK(e && contains(e->message(), "model failed"));

    // A silent run: a short wait times out and the run goes on; another thread aborts it while
    // this one waits in the range-for.
    openclaw::WsChatRun slow = ws.chat_run("s", "slow");
    slow.idle_timeout(seconds(10));
    std::optional<openclaw::WsEvent> first = slow.next(seconds(10));
    CHECK(first && first->kind() == OPENCLAW_WS_EVENT_RUN_STATUS && first->phase() == "starting_model");
    e = THROWN(slow.next(milliseconds(100)));
    CHECK(e && e->code() == OPENCLAW_RESULT_TIMEOUT);
    bool aborted = false;
    std::thread aborter([&slow, &aborted] {
        std::this_thread::sleep_for(milliseconds(100));
        aborted = slow.abort();
    });
    std::optional<openclaw_ws_event_kind> last;
    std::string reason;
    try {
        for (const openclaw::WsEvent &ev : slow) {
            last = ev.kind();
            reason = ev.state();
        }
    } catch (const openclaw::Error &err) {
        std::fprintf(stderr, "aborted run: %s\n", err.what());
    }
    aborter.join();
    CHECK(aborted && last == OPENCLAW_WS_EVENT_RUN_ABORTED && reason == "rpc");
}

void test_ws_moves_and_close(const std::string &url) {
    openclaw::WsOptions o1;
    openclaw::WsOptions o2 = std::move(o1);
    CHECK(o1.get() == nullptr && o2.get() != nullptr);

    openclaw::WsConnection a = ws_connect(url);
    openclaw::WsConnection b = std::move(a);
    CHECK(a.get() == nullptr && b.get() != nullptr);
    auto e = THROWN(a.call("echo"));  // a moved-from connection: the C API refuses NULL
    CHECK(e && e->code() == OPENCLAW_RESULT_NULL_ARGUMENT);

    // A run moved after its first event goes on in its new owner.
    openclaw::WsChatRun r1 = b.chat_run("s", "moved run");
    std::optional<openclaw::WsEvent> first = r1.next(seconds(10));
    CHECK(first && first->kind() == OPENCLAW_WS_EVENT_RUN_STATUS);
    std::string id(r1.run_id());
    openclaw::WsChatRun r2 = std::move(r1);
    CHECK(r1.get() == nullptr && r2.run_id() == id);
    r2.idle_timeout(seconds(10));
    std::string final_text;
    for (const openclaw::WsEvent &ev : r2)
        if (ev.kind() == OPENCLAW_WS_EVENT_RUN_FINAL) final_text = ev.text();
    CHECK(final_text == "echo: moved run");

    openclaw::WsConnection c = ws_connect(url);
    c = std::move(b);  // closes c's own connection, takes b's
    CHECK(b.get() == nullptr && c.call("echo", "{}") == "{\"echo\":{}}");

    // A run outlives its connection, then reports WS_DISCONNECTED.
    std::optional<openclaw::WsChatRun> orphan;
    {
        openclaw::WsConnection w = ws_connect(url);
        orphan.emplace(w.chat_run("s", "slow"));
    }
    orphan->idle_timeout(seconds(10));
    e = THROWN([&] {
        for (const openclaw::WsEvent &ev : *orphan) (void)ev;
    }());
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_DISCONNECTED);

    // close(): idempotent; then calls fail and the queue drains to WS_DISCONNECTED.
    c.close();
    c.close();
    e = THROWN(c.call("echo", "{}"));
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_DISCONNECTED);
    e = THROWN([&] {
        for (int i = 0; i < 100; ++i) c.next_event(milliseconds(0));
    }());
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_DISCONNECTED);

    // A connection lost under a call: WS_DISCONNECTED (the request may have run).
    openclaw::WsConnection lost = ws_connect(url);
    e = THROWN(lost.call("hang.up"));
    CHECK(e && e->code() == OPENCLAW_RESULT_WS_DISCONNECTED);
}

void test_ws_device(const std::string &url, const std::string &dir) {
    const std::string key = dir + "/device.json", token = dir + "/device-token.json";
    {
        openclaw::WsOptions opts;
        opts.device(key, token);
        openclaw::WsConnection ws = make(url).ws_connect(opts);
        std::string hello = ws.hello_json();
        CHECK(contains(hello, "\"auth\":\"token\"") && contains(hello, "\"device\":\""));
    }
    // The gateway issued a device token, kept at `token`: without the shared secret it is used.
    openclaw::WsOptions opts;
    opts.device(key, token).use_shared_secret(false);
    openclaw::WsConnection ws = make(url).ws_connect(opts);
    CHECK(contains(ws.hello_json(), "\"auth\":\"device-token\""));
    auto e = THROWN(openclaw::WsOptions().device(dir));  // a directory is no key file
    CHECK(e && e->code() == OPENCLAW_RESULT_INVALID_ARGUMENT && contains(e->message(), "device key file"));
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s GATEWAY_URL DISABLED_URL DEAD_URL WS_URL DEVICE_DIR\n", argv[0]);
        return 2;
    }
    const std::string url = argv[1], disabled = argv[2], dead = argv[3], ws = argv[4], dir = argv[5];
    try {
        test_chat(url);
        test_tool_calls(url);
        test_stream(url);
        test_moves(url);
        test_errors(url, disabled, dead);
        test_cancel(url);
        test_idle_timeout(url);
        test_ws_handshake(ws, dead);
        test_ws_calls(ws);
        test_ws_events(ws);
        test_ws_runs(ws);
        test_ws_moves_and_close(ws);
        test_ws_device(ws, dir);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        return 1;
    }
    std::printf("hpp_test: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
