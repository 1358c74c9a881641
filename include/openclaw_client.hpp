/*
 * openclaw_client.hpp — header-only C++17 wrapper over the C API of openclaw-client.
 *
 *   #include "openclaw_client.hpp"
 *
 *   auto client = openclaw::ClientBuilder::discover().build();   // or ClientBuilder().base_url(…)
 *   openclaw::ChatRequest req;
 *   req.user("Hello!").include_usage();
 *   for (const openclaw::Event &ev : client.stream(req))
 *       if (ev.kind() == OPENCLAW_EVENT_CONTENT) std::cout << ev.text();
 *
 * WebSocket control plane (gateway protocol v4), on the same Client:
 *
 *   openclaw::WsConnection ws = client.ws_connect();               // or ws_connect(WsOptions()…)
 *   openclaw::WsChatRun run = ws.chat_run("main", "Hello!");
 *   for (const openclaw::WsEvent &ev : run)
 *       if (ev.kind() == OPENCLAW_WS_EVENT_RUN_DELTA) std::cout << ev.text();
 *
 * OWNERSHIP: every class that owns a C handle (Client, ClientBuilder, ChatRequest, CancelToken,
 * Stream, ChatResult, Diagnosis, ModelList, WsOptions, WsConnection, WsChatRun, WsEvent) is
 * move-only and frees its handle exactly once in its destructor; a moved-from object owns nothing
 * (get() == nullptr) and may only be destroyed or assigned to. Views (Event, std::string_view
 * results) borrow from their owner: an Event is valid until the stream advances, a result's or a
 * WsEvent's string_view as long as the object owning it lives.
 *
 * ERRORS: a failing call throws openclaw::Error, carrying the result code, the library's message,
 * the HTTP status, the gateway's error type, Retry-After and the partial text of a stream. The
 * last error is read on the thread that made the call, before any other library call. WebSocket
 * failures are the same openclaw::Error (one exception type for every code, as over HTTP), with
 * code() one of OPENCLAW_RESULT_WS_AUTH (100), _WS_MISSING_SCOPE (101), _WS_PROTOCOL_MISMATCH
 * (102), _WS_PAIRING_REQUIRED (103), _WS_RPC_ERROR (104), _WS_DISCONNECTED (105: the request
 * may have run; it is never replayed) or a transport code (_CONNECT, _TLS, _TIMEOUT…); type() is
 * the gateway's error code ("AUTH_TOKEN_MISMATCH", "MISSING_SCOPE", an RPC error's details.code
 * or code), retry_after() its retryAfterMs, and a failed chat run is _STREAM_ERROR with
 * partial_text(). WebSocket answers are JSON text in a std::string: this header has no JSON
 * library; parse them with yours.
 *
 * THREADS: as the C API. A Client may be used by many threads at once; a CancelToken may be
 * cancelled from any thread; a Stream, ChatRequest or builder is used by one thread at a time.
 * A WsConnection may be used by many threads at once (it runs one library thread of its own);
 * a WsChatRun is read by one thread at a time, and aborted from any thread.
 * No callback API is wrapped here (C callbacks must not unwind), only the pull streams.
 */
#ifndef OPENCLAW_CLIENT_HPP
#define OPENCLAW_CLIENT_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openclaw_client.h"

namespace openclaw {

/** An error reported by the library: a result code and the details of the last error. */
class Error : public std::runtime_error {
  public:
    /** Builds the error of the call that just failed with `code` on this thread. `what_call`
     *  names the operation (it prefixes what()). */
    static Error last(openclaw_result code, std::string_view what_call) {
        std::size_t partial_len = 0;
        const char *partial = openclaw_last_error_partial_text(&partial_len);
        int64_t retry = openclaw_last_error_retry_after_ms();
        return Error(code, what_call, openclaw_last_error_message(), openclaw_last_error_http_status(),
                     openclaw_last_error_type(), std::string(partial ? partial : "", partial ? partial_len : 0),
                     retry < 0 ? std::nullopt : std::optional<std::chrono::milliseconds>(retry));
    }

    /** An error with explicit details (used for arguments rejected before calling the library). */
    Error(openclaw_result code, std::string_view what_call, std::string message, uint16_t http_status = 0,
          std::string type = {}, std::string partial_text = {},
          std::optional<std::chrono::milliseconds> retry_after = std::nullopt)
        : std::runtime_error(std::string(what_call) + ": " + openclaw_result_name(code) + ": " + message),
          code_(code),
          message_(std::move(message)),
          http_status_(http_status),
          type_(std::move(type)),
          partial_text_(std::move(partial_text)),
          retry_after_(retry_after) {}

    /** The result code (`OPENCLAW_RESULT_*`). */
    openclaw_result code() const noexcept { return code_; }
    /** The symbolic name of the code, e.g. "OPENCLAW_RESULT_TIMEOUT". */
    const char *code_name() const noexcept { return openclaw_result_name(code_); }
    /** The library's message: the cause and the fix (never the token). */
    const std::string &message() const noexcept { return message_; }
    /** The HTTP status behind the error, 0 when none. */
    uint16_t http_status() const noexcept { return http_status_; }
    /** The gateway's error type ("unauthorized", "tool_call_blocked"…; over WebSocket its error
     *  code: "AUTH_TOKEN_MISMATCH", "MISSING_SCOPE", an RPC error's details.code or code), "" when
     *  none. */
    const std::string &type() const noexcept { return type_; }
    /** The text that arrived on a stream before it failed, "" when none. */
    const std::string &partial_text() const noexcept { return partial_text_; }
    /** The gateway's Retry-After, when it sent one. */
    std::optional<std::chrono::milliseconds> retry_after() const noexcept { return retry_after_; }

  private:
    openclaw_result code_;
    std::string message_;
    uint16_t http_status_;
    std::string type_;
    std::string partial_text_;
    std::optional<std::chrono::milliseconds> retry_after_;
};

/** Throws Error::last(rc, what_call) unless rc is OPENCLAW_RESULT_OK. */
inline void check(openclaw_result rc, std::string_view what_call) {
    if (rc != OPENCLAW_RESULT_OK) throw Error::last(rc, what_call);
}

namespace detail {

/** A NUL-terminated copy of `s`; a NUL inside would silently cut the C string, so it throws. */
inline std::string c_string(std::string_view s, std::string_view what_call) {
    if (s.find('\0') != std::string_view::npos)
        throw Error(OPENCLAW_RESULT_INVALID_ARGUMENT, what_call, "the string contains a NUL character");
    return std::string(s);
}

/** A view of a C string owned elsewhere; empty for NULL. */
inline std::string_view view(const char *s) noexcept { return s ? std::string_view(s) : std::string_view(); }

/** A std::string made from a `char *` the library allocated, which is freed. */
inline std::string take(char *s) {
    if (!s) return {};
    std::string out(s);
    openclaw_string_free(s);
    return out;
}

/** `ms` as the unsigned count of milliseconds the C API takes; a negative duration throws. */
inline uint64_t unsigned_ms(std::chrono::milliseconds ms, std::string_view what_call) {
    if (ms.count() < 0) throw Error(OPENCLAW_RESULT_INVALID_ARGUMENT, what_call, "the duration is negative");
    return static_cast<uint64_t>(ms.count());
}

/** A NUL-terminated copy of `s`, or nullptr (for the C API's "absent") when `s` is empty. */
class OptString {
  public:
    OptString(std::string_view s, std::string_view what_call) : s_(c_string(s, what_call)) {}
    const char *get() const noexcept { return s_.empty() ? nullptr : s_.c_str(); }

  private:
    std::string s_;
};

/** A move-only owner of one C handle, freed with `Free`. */
template <typename T, void (*Free)(T *)>
class Owned {
  public:
    Owned() noexcept = default;
    explicit Owned(T *p) noexcept : p_(p) {}
    Owned(const Owned &) = delete;
    Owned &operator=(const Owned &) = delete;
    Owned(Owned &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Owned &operator=(Owned &&o) noexcept {
        if (this != &o) reset(std::exchange(o.p_, nullptr));
        return *this;
    }
    ~Owned() { reset(); }
    T *get() const noexcept { return p_; }
    T *release() noexcept { return std::exchange(p_, nullptr); }
    void reset(T *p = nullptr) noexcept {
        T *old = std::exchange(p_, p);
        if (old) Free(old);
    }
    explicit operator bool() const noexcept { return p_ != nullptr; }

  private:
    T *p_ = nullptr;
};

}  // namespace detail

/** Token usage of one turn. */
struct Usage {
    uint64_t prompt_tokens = 0;      ///< prompt (input) tokens
    uint64_t completion_tokens = 0;  ///< completion (output) tokens
    uint64_t total_tokens = 0;       ///< total tokens
};

/** A tool call the reply asks the client to run; the views live as long as the ChatResult. */
struct ToolCall {
    std::string_view id;         ///< the call id (answer it with this id)
    std::string_view name;       ///< the function name
    std::string_view arguments;  ///< the JSON arguments
};

/** A cancel token: cancel() ends every call it is attached to, from any thread. Move-only. */
class CancelToken {
  public:
    /** A new, un-cancelled token. Throws Error(OPENCLAW_RESULT_INTERNAL) if allocation fails. */
    CancelToken() : t_(openclaw_cancel_token_new()) {
        if (!t_) throw Error(OPENCLAW_RESULT_INTERNAL, "cancel_token_new", "allocation failed");
    }
    /** Cancels the calls using this token; idempotent; safe from any thread. */
    void cancel() const noexcept { openclaw_cancel_token_cancel(t_.get()); }
    /** Whether cancel() was called. */
    bool cancelled() const noexcept { return openclaw_cancel_token_is_cancelled(t_.get()); }
    /** The C handle (owned by this object; nullptr after a move). */
    const openclaw_cancel_token *get() const noexcept { return t_.get(); }

  private:
    detail::Owned<openclaw_cancel_token, openclaw_cancel_token_free> t_;
};

/** A chat request (messages and options); setters return *this for chaining. Move-only. */
class ChatRequest {
  public:
    /** An empty request. */
    ChatRequest() : r_(openclaw_chat_request_new()) {
        if (!r_) throw Error(OPENCLAW_RESULT_INTERNAL, "chat_request_new", "allocation failed");
    }
    /** Appends a message with role `OPENCLAW_ROLE_*`. */
    ChatRequest &message(uint32_t role, std::string_view text) {
        check(openclaw_chat_request_add_message(r_.get(), role, detail::c_string(text, "add_message").c_str()),
              "add_message");
        return *this;
    }
    /** Appends a user message. */
    ChatRequest &user(std::string_view text) { return message(OPENCLAW_ROLE_USER, text); }
    /** Appends a system message. */
    ChatRequest &system(std::string_view text) { return message(OPENCLAW_ROLE_SYSTEM, text); }
    /** Appends an assistant message (history). */
    ChatRequest &assistant(std::string_view text) { return message(OPENCLAW_ROLE_ASSISTANT, text); }
    /** Sets `user`: a stable session per user (send only the new message each turn). */
    ChatRequest &session_user(std::string_view user) {
        check(openclaw_chat_request_set_user(r_.get(), detail::c_string(user, "set_user").c_str()), "set_user");
        return *this;
    }
    /** Sets `x-openclaw-session-key` verbatim (reserved namespaces are rejected). */
    ChatRequest &session_key(std::string_view key) {
        check(openclaw_chat_request_set_session_key(r_.get(), detail::c_string(key, "set_session_key").c_str()),
              "set_session_key");
        return *this;
    }
    /** Selects the agent for this call. */
    ChatRequest &agent(std::string_view agent_id) {
        check(openclaw_chat_request_set_agent(r_.get(), detail::c_string(agent_id, "set_agent").c_str()),
              "set_agent");
        return *this;
    }
    /** Adds a client-side function tool; `parameters_json` (a JSON schema) may be "". */
    ChatRequest &tool(std::string_view name, std::string_view description = {},
                      std::string_view parameters_json = {}) {
        std::string n = detail::c_string(name, "add_tool"), d = detail::c_string(description, "add_tool"),
                    p = detail::c_string(parameters_json, "add_tool");
        check(openclaw_chat_request_add_tool(r_.get(), n.c_str(), d.empty() ? nullptr : d.c_str(),
                                             p.empty() ? nullptr : p.c_str()),
              "add_tool");
        return *this;
    }
    /** Adds an extra HTTP header. */
    ChatRequest &header(std::string_view name, std::string_view value) {
        check(openclaw_chat_request_add_header(r_.get(), detail::c_string(name, "add_header").c_str(),
                                               detail::c_string(value, "add_header").c_str()),
              "add_header");
        return *this;
    }
    /** Asks for a trailing USAGE event on streams. */
    ChatRequest &include_usage(bool on = true) {
        check(openclaw_chat_request_set_include_usage(r_.get(), on), "set_include_usage");
        return *this;
    }
    /** Overrides the idle (per-read) timeout for calls with this request (0 = no limit). */
    ChatRequest &idle_timeout(std::chrono::milliseconds ms) {
        check(openclaw_chat_request_set_idle_timeout_ms(r_.get(), static_cast<uint64_t>(ms.count())),
              "set_idle_timeout_ms");
        return *this;
    }
    /** Attaches a cancel token (the request keeps its own reference to it). */
    ChatRequest &cancel_token(const CancelToken &token) {
        check(openclaw_chat_request_set_cancel_token(r_.get(), token.get()), "set_cancel_token");
        return *this;
    }
    /** The C handle (nullptr after a move). */
    openclaw_chat_request *get() const noexcept { return r_.get(); }

  private:
    detail::Owned<openclaw_chat_request, openclaw_chat_request_free> r_;
};

/** The whole reply of a non-streamed turn; string_views live as long as the result. Move-only. */
class ChatResult {
  public:
    /** Takes ownership of a result handle. */
    explicit ChatResult(openclaw_chat_result *r) noexcept : r_(r) {}
    /** The reply text (may contain NUL). */
    std::string_view text() const noexcept {
        std::size_t len = 0;
        const char *t = openclaw_chat_result_text(r_.get(), &len);
        return t ? std::string_view(t, len) : std::string_view();
    }
    /** The reasoning text, "" when none. */
    std::string_view reasoning() const noexcept { return detail::view(openclaw_chat_result_reasoning(r_.get())); }
    /** The finish reason (stop, length, tool_calls…), "" when none. */
    std::string_view finish_reason() const noexcept {
        return detail::view(openclaw_chat_result_finish_reason(r_.get()));
    }
    /** True when the agent produced no text and no tool call. */
    bool empty() const noexcept { return openclaw_chat_result_is_empty(r_.get()); }
    /** The token usage, when the gateway sent it. */
    std::optional<Usage> usage() const noexcept {
        Usage u;
        if (!openclaw_chat_result_usage(r_.get(), &u.prompt_tokens, &u.completion_tokens, &u.total_tokens))
            return std::nullopt;
        return u;
    }
    /** How many tool calls the reply asks the client to run. */
    std::size_t tool_call_count() const noexcept { return openclaw_chat_result_tool_call_count(r_.get()); }
    /** Tool call `index`; throws Error(OPENCLAW_RESULT_INVALID_ARGUMENT) when out of range. */
    ToolCall tool_call(std::size_t index) const {
        const char *id = nullptr, *name = nullptr, *args = nullptr;
        check(openclaw_chat_result_tool_call(r_.get(), index, &id, &name, &args), "chat_result_tool_call");
        return ToolCall{detail::view(id), detail::view(name), detail::view(args)};
    }
    /** The C handle (nullptr after a move). */
    const openclaw_chat_result *get() const noexcept { return r_.get(); }

  private:
    detail::Owned<openclaw_chat_result, openclaw_chat_result_free> r_;
};

/** One stream event, borrowed: valid until the stream advances or is destroyed. */
class Event {
  public:
    /** Wraps a borrowed C event. */
    explicit Event(const openclaw_event *ev) noexcept : ev_(ev) {}
    /** `OPENCLAW_EVENT_*`. */
    openclaw_event_kind kind() const noexcept { return ev_->kind; }
    /** Content, reasoning, role, finish reason, tool-argument fragment…; "" for other kinds. */
    std::string_view text() const noexcept { return std::string_view(ev_->text, ev_->text_len); }
    /** TOOL_CALL: which call (0-based). */
    uint32_t tool_index() const noexcept { return ev_->tool_index; }
    /** TOOL_CALL: the call id, "" when this fragment has none. */
    std::string_view tool_id() const noexcept { return detail::view(ev_->tool_id); }
    /** TOOL_CALL: the function name, "" when this fragment has none. */
    std::string_view tool_name() const noexcept { return detail::view(ev_->tool_name); }
    /** USAGE: the token counts. */
    Usage usage() const noexcept { return Usage{ev_->prompt_tokens, ev_->completion_tokens, ev_->total_tokens}; }
    /** DONE: no content and no tool call arrived. */
    bool empty() const noexcept { return ev_->empty; }
    /** The SSE event name of HISTORY and LIFECYCLE events, "" otherwise. */
    std::string_view event_type() const noexcept { return detail::view(ev_->event_type); }
    /** The underlying C event. */
    const openclaw_event &raw() const noexcept { return *ev_; }

  private:
    const openclaw_event *ev_;
};

/** A pull stream: `for (const Event &ev : stream)`. Iteration ends after DONE; a failure throws
 *  Error (partial_text() holds what arrived). Destroying an unfinished stream closes its
 *  connection, which aborts the agent run. Move-only; one thread at a time. */
class Stream {
  public:
    /** Takes ownership of a stream handle. */
    explicit Stream(openclaw_stream *s) noexcept : s_(s) {}

    /** Reads the next event (blocking); std::nullopt at the end. Throws Error on failure. */
    std::optional<Event> next() {
        const openclaw_event *ev = nullptr;
        openclaw_result rc = openclaw_stream_next(s_.get(), &ev);
        if (rc == OPENCLAW_RESULT_END) return std::nullopt;
        check(rc, "stream_next");
        return Event(ev);
    }

    /** The reply text received so far (a copy). */
    std::string text() const {
        std::size_t len = 0;
        char *t = openclaw_stream_text(s_.get(), &len);
        if (!t) return {};
        std::string out(t, len);
        openclaw_string_free(t);
        return out;
    }

    /** End marker of the range. */
    struct sentinel {};

    /** Input iterator over the events; advancing invalidates the previous Event. */
    class iterator {
      public:
        using value_type = Event;             ///< iterator trait
        using reference = const Event &;      ///< iterator trait
        using pointer = const Event *;        ///< iterator trait
        using difference_type = std::ptrdiff_t;           ///< iterator trait
        using iterator_category = std::input_iterator_tag;  ///< iterator trait

        /** Starts reading `s` (reads the first event). */
        explicit iterator(Stream *s) : s_(s) { ++*this; }
        /** The current event. */
        const Event &operator*() const noexcept { return *cur_; }
        /** The current event. */
        const Event *operator->() const noexcept { return &*cur_; }
        /** Reads the next event. */
        iterator &operator++() {
            cur_ = s_->next();
            return *this;
        }
        /** True while an event is available. */
        bool operator!=(sentinel) const noexcept { return cur_.has_value(); }
        /** True at the end. */
        bool operator==(sentinel) const noexcept { return !cur_.has_value(); }

      private:
        Stream *s_;
        std::optional<Event> cur_;
    };

    /** Reads the first event. */
    iterator begin() { return iterator(this); }
    /** The end of the stream. */
    sentinel end() const noexcept { return {}; }
    /** The C handle (nullptr after a move). */
    openclaw_stream *get() const noexcept { return s_.get(); }

  private:
    detail::Owned<openclaw_stream, openclaw_stream_free> s_;
};

/** The outcome of Client::check_connection. Move-only. */
class Diagnosis {
  public:
    /** Takes ownership of a diagnosis handle. */
    explicit Diagnosis(openclaw_diagnosis *d) noexcept : d_(d) {}
    /** `OPENCLAW_DIAGNOSIS_*`. */
    uint32_t code() const noexcept { return openclaw_diagnosis_code(d_.get()); }
    /** True when reachable, authorized and chat completions is on. */
    bool ok() const noexcept { return code() == OPENCLAW_DIAGNOSIS_OK; }
    /** One line saying what is wrong (or right) and what to do. */
    std::string_view summary() const noexcept { return detail::view(openclaw_diagnosis_summary(d_.get())); }
    /** The full multi-line report. */
    std::string_view text() const noexcept { return detail::view(openclaw_diagnosis_text(d_.get())); }
    /** The gateway version, "" when unknown. */
    std::string_view version() const noexcept { return detail::view(openclaw_diagnosis_version(d_.get())); }

  private:
    detail::Owned<openclaw_diagnosis, openclaw_diagnosis_free> d_;
};

class Client;
class WsOptions;
class WsConnection;

/** Configures a Client; build() consumes it. Move-only. */
class ClientBuilder {
  public:
    /** Defaults: http://127.0.0.1:18789, no secret, agent main. */
    ClientBuilder() : b_(openclaw_client_builder_new()) {
        if (!b_) throw Error(OPENCLAW_RESULT_INTERNAL, "client_builder_new", "allocation failed");
    }
    /** Preset by discovery (OPENCLAW_GATEWAY_URL/_TOKEN, the config file…). */
    static ClientBuilder discover() {
        openclaw_client_builder *b = nullptr;
        check(openclaw_client_builder_new_default(&b), "discovery");
        return ClientBuilder(b);
    }
    /** Sets the base URL (validated by build()). */
    ClientBuilder &base_url(std::string_view url) {
        check(openclaw_client_builder_set_base_url(b_.get(), detail::c_string(url, "set_base_url").c_str()),
              "set_base_url");
        return *this;
    }
    /** Sets the token or password; "" removes it. */
    ClientBuilder &secret(std::string_view secret) {
        check(openclaw_client_builder_set_secret(b_.get(), detail::c_string(secret, "set_secret").c_str()),
              "set_secret");
        return *this;
    }
    /** Sets the default agent id. */
    ClientBuilder &agent(std::string_view agent_id) {
        check(openclaw_client_builder_set_agent(b_.get(), detail::c_string(agent_id, "set_agent").c_str()),
              "set_agent");
        return *this;
    }
    /** Connect timeout (0 = no limit). */
    ClientBuilder &connect_timeout(std::chrono::milliseconds ms) {
        check(openclaw_client_builder_set_connect_timeout_ms(b_.get(), static_cast<uint64_t>(ms.count())),
              "set_connect_timeout_ms");
        return *this;
    }
    /** How often a call that surely did not reach the gateway is retried (0 = never). */
    ClientBuilder &max_retries(uint32_t n) {
        check(openclaw_client_builder_set_max_retries(b_.get(), n), "set_max_retries");
        return *this;
    }
    /** Builds the client; the builder is consumed (empty afterwards) even when it throws. */
    Client build();
    /** The C handle (nullptr after a move or build()). */
    openclaw_client_builder *get() const noexcept { return b_.get(); }

  private:
    explicit ClientBuilder(openclaw_client_builder *b) noexcept : b_(b) {}
    detail::Owned<openclaw_client_builder, openclaw_client_builder_free> b_;
};

/** A client for one gateway; thread-safe; move-only. Destroy it only after every call using it
 *  has returned (streams keep their own reference and may outlive it). */
class Client {
  public:
    /** Takes ownership of a client handle (e.g. from openclaw_client_builder_build). */
    explicit Client(const openclaw_client *c) noexcept : c_(c) {}
    /** A client made by discovery with default settings. */
    static Client discover() {
        const openclaw_client *c = nullptr;
        check(openclaw_client_new_default(&c), "discovery");
        return Client(c);
    }

    /** Runs one turn without streaming. */
    ChatResult chat(const ChatRequest &req) const {
        openclaw_chat_result *out = nullptr;
        check(openclaw_chat(c_.get(), req.get(), &out), "chat");
        return ChatResult(out);
    }
    /** Sends one turn and opens its pull stream (errors before the stream starts throw here). */
    Stream stream(const ChatRequest &req) const {
        openclaw_stream *out = nullptr;
        check(openclaw_chat_stream_open(c_.get(), req.get(), &out), "stream_open");
        return Stream(out);
    }
    /** The agent targets of GET /v1/models. */
    std::vector<std::string> models() const {
        openclaw_model_list *list = nullptr;
        check(openclaw_models(c_.get(), &list), "models");
        detail::Owned<openclaw_model_list, openclaw_model_list_free> owned(list);
        std::vector<std::string> ids;
        for (std::size_t i = 0, n = openclaw_model_list_count(list); i < n; ++i)
            ids.emplace_back(detail::view(openclaw_model_list_id(list, i)));
        return ids;
    }
    /** Invokes a gateway tool; returns its result as JSON text. `args_json` "" means {}. */
    std::string invoke_tool(std::string_view tool, std::string_view args_json = {}) const {
        openclaw_tool_call *call = nullptr;
        std::string args = detail::c_string(args_json, "tool_call_new");
        check(openclaw_tool_call_new(detail::c_string(tool, "tool_call_new").c_str(),
                                     args.empty() ? nullptr : args.c_str(), &call),
              "tool_call_new");
        detail::Owned<openclaw_tool_call, openclaw_tool_call_free> owned(call);
        char *json = nullptr;
        check(openclaw_tool_invoke(c_.get(), call, &json), "tool_invoke");
        return detail::take(json);
    }
    /** GET /health: whether the gateway reports itself live. */
    bool health() const {
        bool live = false;
        check(openclaw_health(c_.get(), &live), "health");
        return live;
    }
    /** Checks the connection without starting an agent run. */
    Diagnosis check_connection() const {
        openclaw_diagnosis *d = nullptr;
        check(openclaw_check_connection(c_.get(), &d), "check_connection");
        return Diagnosis(d);
    }
    /** Opens a WebSocket connection to this client's gateway (same URL, token or password, TLS
     *  settings; ws:// or wss:// on the HTTP port) with default options, completes the handshake
     *  and starts the connection's library thread. Throws Error: OPENCLAW_RESULT_WS_AUTH,
     *  _WS_PAIRING_REQUIRED, _WS_PROTOCOL_MISMATCH, _CONNECT, _TLS, _TIMEOUT… The connection
     *  does not need this Client afterwards (it may be destroyed first). Thread-safe. */
    WsConnection ws_connect() const;
    /** As ws_connect(), with `opts` (copied: the options may be changed or destroyed after). */
    WsConnection ws_connect(const WsOptions &opts) const;
    /** The normalized base URL. */
    std::string base_url() const { return detail::take(openclaw_client_base_url(c_.get())); }
    /** The C handle (nullptr after a move). */
    const openclaw_client *get() const noexcept { return c_.get(); }

  private:
    detail::Owned<const openclaw_client, openclaw_client_free> c_;
};

inline Client ClientBuilder::build() {
    const openclaw_client *c = nullptr;
    openclaw_result rc = openclaw_client_builder_build(b_.release(), &c);  // consumes the builder
    check(rc, "build");
    return Client(c);
}

/** A wait without limit, for the timeouts of WsConnection::call, WsConnection::next_event and
 *  WsChatRun (any negative duration means the same). */
inline constexpr std::chrono::milliseconds no_limit{-1};

/** Options of a WebSocket connection; setters return *this for chaining, Client::ws_connect
 *  copies them. Defaults: role operator; scopes operator.read, operator.write,
 *  operator.approvals; 30 s request timeout; 1024 queued events; no reconnect; the client's
 *  token or password. Move-only; one thread at a time. */
class WsOptions {
  public:
    /** The defaults. Throws Error if the library cannot make them. */
    WsOptions() {
        openclaw_ws_options *o = nullptr;
        check(openclaw_ws_options_new(&o), "ws_options_new");
        o_.reset(o);
    }
    /** The scopes to request, comma-separated ("operator.read,operator.admin"). Exec approvals
     *  raised by agent runs reach only connections that also hold operator.admin. */
    WsOptions &scopes(std::string_view comma_separated) {
        check(openclaw_ws_options_set_scopes(o_.get(), detail::c_string(comma_separated, "ws_set_scopes").c_str()),
              "ws_set_scopes");
        return *this;
    }
    /** Automatic reconnect (default off): a lost connection is re-established with jittered
     *  back-off (1 s to 30 s) and session subscriptions are renewed; requests in flight fail with
     *  OPENCLAW_RESULT_WS_DISCONNECTED and are never replayed. */
    WsOptions &reconnect(bool on = true) {
        check(openclaw_ws_options_set_reconnect(o_.get(), on), "ws_set_reconnect");
        return *this;
    }
    /** The default deadline of each request (0 = no limit; default 30 s). A negative duration
     *  throws Error(OPENCLAW_RESULT_INVALID_ARGUMENT). */
    WsOptions &request_timeout(std::chrono::milliseconds ms) {
        uint64_t n = detail::unsigned_ms(ms, "ws_set_request_timeout_ms");
        check(openclaw_ws_options_set_request_timeout_ms(o_.get(), n), "ws_set_request_timeout_ms");
        return *this;
    }
    /** The capacity of the event queue (default 1024, at least 1). When it is full the oldest
     *  event is discarded and the next pull returns an OPENCLAW_WS_EVENT_DROPPED notice first. */
    WsOptions &event_queue_capacity(std::size_t capacity) {
        check(openclaw_ws_options_set_event_queue_capacity(o_.get(), capacity), "ws_set_event_queue_capacity");
        return *this;
    }
    /** Presents a device identity: the Ed25519 key kept at `key_path` (read now; created, mode
     *  0600, when missing) signs the connect challenge; the device token the gateway issues is
     *  kept at `token_path` ("" = not kept) and used when the client sends no token/password.
     *  Throws Error when the key file cannot be read or created. The paths are copied. */
    WsOptions &device(std::string_view key_path, std::string_view token_path = {}) {
        detail::OptString token(token_path, "ws_set_device");
        check(openclaw_ws_options_set_device(o_.get(), detail::c_string(key_path, "ws_set_device").c_str(),
                                             token.get()),
              "ws_set_device");
        return *this;
    }
    /** Whether to send the client's token/password (default true; false = authenticate with
     *  the stored device token only, see device()). */
    WsOptions &use_shared_secret(bool on) {
        check(openclaw_ws_options_set_use_shared_secret(o_.get(), on), "ws_set_use_shared_secret");
        return *this;
    }
    /** The C handle (owned by this object; nullptr after a move). */
    openclaw_ws_options *get() const noexcept { return o_.get(); }

  private:
    detail::Owned<openclaw_ws_options, openclaw_ws_options_free> o_;
};

/** One WebSocket event (WsConnection::next_event) or chat run event (WsChatRun), owned. Every
 *  string_view borrows from the C event this object owns: it stays valid while the event is
 *  owned — until this object is destroyed or assigned to; a move hands the event, and the views,
 *  to the new owner. Absent strings are "". Which fields a kind fills is documented at the
 *  OPENCLAW_WS_EVENT_* constants of openclaw_client.h. Move-only; plain data: read it from any
 *  thread (one owner, as any object). */
class WsEvent {
  public:
    /** Takes ownership of an event (from openclaw_ws_next_event or openclaw_ws_run_next; freed by
     *  this object). */
    explicit WsEvent(openclaw_ws_event *ev) noexcept : ev_(ev) {}
    /** `OPENCLAW_WS_EVENT_*`. */
    openclaw_ws_event_kind kind() const noexcept { return ev_.get()->kind; }
    /** The event name ("chat", "agent", "tick"…; "openclaw.*" for the library's notices, "run.*"
     *  for run events). */
    std::string_view name() const noexcept { return detail::view(ev_.get()->name); }
    /** The frame seq, -1 when none. */
    int64_t seq() const noexcept { return ev_.get()->seq; }
    /** The payload as JSON text ("null" for library notices and run events). */
    std::string_view payload_json() const noexcept { return detail::view(ev_.get()->payload_json); }
    /** The run id, when the event has one. */
    std::string_view run_id() const noexcept { return detail::view(ev_.get()->run_id); }
    /** The canonical session key, when the event has one. */
    std::string_view session_key() const noexcept { return detail::view(ev_.get()->session_key); }
    /** Kind-specific: a chat state, an agent stream, a role, a decision, a stop reason… */
    std::string_view state() const noexcept { return detail::view(ev_.get()->state); }
    /** A phase, when the event has one. */
    std::string_view phase() const noexcept { return detail::view(ev_.get()->phase); }
    /** Kind-specific text: a delta, the final reply, an error message, a command… (may contain
     *  NUL). */
    std::string_view text() const noexcept { return std::string_view(ev_.get()->text, ev_.get()->text_len); }
    /** An id (approval id, tool call id, boot id). */
    std::string_view id() const noexcept { return detail::view(ev_.get()->id); }
    /** Chat and run deltas: text() replaces the text so far (instead of extending it). */
    bool replace() const noexcept { return ev_.get()->replace; }
    /** OPENCLAW_WS_EVENT_DROPPED: how many events were discarded. */
    uint64_t count() const noexcept { return ev_.get()->count; }
    /** Gaps: the frame seq expected. */
    uint64_t gap_expected() const noexcept { return ev_.get()->gap_expected; }
    /** Gaps: the frame seq received. */
    uint64_t gap_received() const noexcept { return ev_.get()->gap_received; }
    /** The underlying C event (owned by this object). */
    const openclaw_ws_event &raw() const noexcept { return *ev_.get(); }
    /** The C event (owned by this object; nullptr after a move). */
    const openclaw_ws_event *get() const noexcept { return ev_.get(); }

  private:
    detail::Owned<openclaw_ws_event, openclaw_ws_event_free> ev_;
};

/** A chat run followed as a pull stream (WsConnection::chat_run):
 *  `for (const WsEvent &ev : run)` yields OPENCLAW_WS_EVENT_RUN_STATUS, _RUN_DELTA,
 *  _RUN_AGENT and _RUN_GAP events and ends after the last one, _RUN_FINAL (text() = the reply)
 *  or _RUN_ABORTED. A failed run throws Error(OPENCLAW_RESULT_STREAM_ERROR) with the gateway's
 *  message and partial_text(); a lost or closed connection throws _WS_DISCONNECTED.
 *  Unlike an HTTP Stream, destroying an unfinished run does not stop it on the gateway: call
 *  abort(). The run stays valid after its WsConnection is destroyed (it then throws
 *  _WS_DISCONNECTED). Move-only; iterate (or call next()) on one thread at a time; abort() and
 *  run_id() may be called from any thread, as long as this object is neither moved nor destroyed
 *  meanwhile. */
class WsChatRun {
  public:
    /** Takes ownership of a run handle (from openclaw_ws_chat_run_open; freed by this object). */
    explicit WsChatRun(openclaw_ws_run *r) noexcept : r_(r) {}

    /** The longest wait for one event while iterating (default: no limit); past it the
     *  iteration throws Error(OPENCLAW_RESULT_TIMEOUT) and the run goes on (iterate again, or
     *  abort()). Not thread-safe: set it before iterating. Returns *this. */
    WsChatRun &idle_timeout(std::chrono::milliseconds ms) noexcept {
        idle_ = ms;
        return *this;
    }

    /** Reads the next event, waiting at most `timeout` (negative = no limit); std::nullopt once
     *  the run has ended (after _RUN_FINAL or _RUN_ABORTED). The event is the caller's (it may
     *  outlive the run). One thread at a time (not while iterating on another). Throws
     *  Error: _TIMEOUT when nothing came in time (the run goes on: call again), _STREAM_ERROR
     *  when the run failed (partial_text()), _WS_DISCONNECTED when the connection ended. */
    std::optional<WsEvent> next(std::chrono::milliseconds timeout = no_limit) {
        openclaw_ws_event *ev = nullptr;
        openclaw_result rc = openclaw_ws_run_next(r_.get(), timeout.count() < 0 ? -1 : timeout.count(), &ev);
        if (rc == OPENCLAW_RESULT_END) return std::nullopt;
        check(rc, "ws_run_next");
        return WsEvent(ev);
    }

    /** Aborts the run on the gateway (chat.abort for its session and run id) and waits for the
     *  answer; the stream then ends with _RUN_ABORTED. Returns whether the gateway aborted a run
     *  (false when it had already ended). Callable from any thread, also while another thread
     *  waits in next() or a range-for over this run (keep this object alive until abort()
     *  returns). Throws Error (_WS_DISCONNECTED, _TIMEOUT, _WS_RPC_ERROR…). */
    bool abort() const {
        bool aborted = false;
        check(openclaw_ws_run_abort(r_.get(), &aborted), "ws_run_abort");
        return aborted;
    }

    /** The run id; owned by this run (valid while it owns its handle). Any thread. */
    std::string_view run_id() const noexcept { return detail::view(openclaw_ws_run_id(r_.get())); }

    /** End marker of the range. */
    struct sentinel {};

    /** Input iterator over the run's events; the current event is held by the run, and
     *  advancing frees it (copy what you keep). */
    class iterator {
      public:
        using value_type = WsEvent;                         ///< iterator trait
        using reference = const WsEvent &;                  ///< iterator trait
        using pointer = const WsEvent *;                    ///< iterator trait
        using difference_type = std::ptrdiff_t;             ///< iterator trait
        using iterator_category = std::input_iterator_tag;  ///< iterator trait

        /** Starts reading `r` (reads the first event). */
        explicit iterator(WsChatRun *r) : r_(r) { ++*this; }
        /** The current event. */
        const WsEvent &operator*() const noexcept { return *r_->cur_; }
        /** The current event. */
        const WsEvent *operator->() const noexcept { return &*r_->cur_; }
        /** Reads the next event (waiting at most the run's idle_timeout). */
        iterator &operator++() {
            r_->cur_.reset();  // frees the previous event first
            r_->cur_ = r_->next(r_->idle_);
            return *this;
        }
        /** True while an event is available. */
        bool operator!=(sentinel) const noexcept { return r_->cur_.has_value(); }
        /** True at the end. */
        bool operator==(sentinel) const noexcept { return !r_->cur_.has_value(); }

      private:
        WsChatRun *r_;
    };

    /** Reads the first event (of those not read yet). */
    iterator begin() { return iterator(this); }
    /** The end of the run. */
    sentinel end() const noexcept { return {}; }
    /** The C handle (owned by this object; nullptr after a move). */
    const openclaw_ws_run *get() const noexcept { return r_.get(); }

  private:
    detail::Owned<openclaw_ws_run, openclaw_ws_run_free> r_;
    std::chrono::milliseconds idle_ = no_limit;
    std::optional<WsEvent> cur_;  // the iterator's current event
};

/** A WebSocket connection to the gateway's control plane (Client::ws_connect), with one library
 *  thread of its own reading the socket. Every method may be called from any number of threads
 *  at once. Answers are JSON text (std::string, owned by the caller): this header has no JSON
 *  library. Destroying it closes the connection and waits for that thread: destroy it only after
 *  every call using it (on any thread) has returned; runs opened from it stay valid. Move-only. */
class WsConnection {
  public:
    /** Takes ownership of a connection handle (from openclaw_ws_connect; freed by this object). */
    explicit WsConnection(openclaw_ws *ws) noexcept : ws_(ws) {}

    /** The `hello-ok` payload of the current socket as JSON text (server version, granted
     *  auth.scopes, policy, features…; a new socket after a reconnect has its own). A copy, the
     *  caller's. Any thread. */
    std::string hello_json() const {
        char *out = nullptr;
        check(openclaw_ws_hello_json(ws_.get(), &out), "ws_hello_json");
        return detail::take(out);
    }

    /** Calls any gateway method with `params_json` ("" = {}) and returns the answer's payload
     *  as JSON text. `timeout`: 0 = the connection's request timeout (WsOptions::request_timeout),
     *  negative (no_limit) = none, else this deadline. Throws Error: _WS_RPC_ERROR (type() = the
     *  gateway's code), _WS_MISSING_SCOPE, _TIMEOUT, _WS_DISCONNECTED (the request may have run),
     *  _LIMIT_EXCEEDED (larger than the gateway's maxPayload; nothing sent), _INVALID_ARGUMENT
     *  (params_json is not JSON; nothing sent). The strings are copied; the answer is the
     *  caller's. Any thread, concurrently with other calls (answers are matched by id). */
    std::string call(std::string_view method, std::string_view params_json = {},
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const {
        detail::OptString params(params_json, "ws_call");
        char *out = nullptr;
        check(openclaw_ws_call(ws_.get(), detail::c_string(method, "ws_call").c_str(), params.get(),
                               timeout.count() < 0 ? -1 : timeout.count(), &out),
              "ws_call");
        return detail::take(out);
    }

    /** `chat.send` of `message` on `session_key`, with a fresh idempotency key; returns the run
     *  id. The run's events then arrive as OPENCLAW_WS_EVENT_CHAT/_AGENT events (next_event);
     *  to follow one run as a stream use chat_run(). Any thread; throws Error as call(). */
    std::string chat_send(std::string_view session_key, std::string_view message) const {
        char *run_id = nullptr;
        check(openclaw_ws_chat_send(ws_.get(), detail::c_string(session_key, "ws_chat_send").c_str(),
                                    detail::c_string(message, "ws_chat_send").c_str(), &run_id),
              "ws_chat_send");
        return detail::take(run_id);
    }

    /** `chat.abort` for a session: all its active runs, or only `run_id` when not "". Returns
     *  whether a run was aborted. Any thread; throws Error as call(). */
    bool chat_abort(std::string_view session_key, std::string_view run_id = {}) const {
        detail::OptString run(run_id, "ws_chat_abort");
        bool aborted = false;
        check(openclaw_ws_chat_abort(ws_.get(), detail::c_string(session_key, "ws_chat_abort").c_str(), run.get(),
                                     &aborted),
              "ws_chat_abort");
        return aborted;
    }

    /** `exec.approval.resolve`: `decision` is "allow-once", "allow-always" or "deny" (anything
     *  else throws Error(OPENCLAW_RESULT_INVALID_ARGUMENT) before sending). Any thread; throws
     *  Error as call(). */
    void approval_resolve(std::string_view approval_id, std::string_view decision) const {
        check(openclaw_ws_approval_resolve(ws_.get(), detail::c_string(approval_id, "ws_approval_resolve").c_str(),
                                           detail::c_string(decision, "ws_approval_resolve").c_str()),
              "ws_approval_resolve");
    }

    /** `sessions.subscribe`: sessions.changed and session.message events for this connection
     *  (renewed after a reconnect). Any thread; throws Error as call(). */
    void sessions_subscribe() const { check(openclaw_ws_sessions_subscribe(ws_.get()), "ws_sessions_subscribe"); }

    /** `sessions.messages.subscribe`: OPENCLAW_WS_EVENT_SESSION_MESSAGE events of one session for
     *  this connection (renewed after a reconnect). Any thread; throws Error as call(). */
    void sessions_messages_subscribe(std::string_view session_key) const {
        check(openclaw_ws_sessions_messages_subscribe(
                  ws_.get(), detail::c_string(session_key, "ws_sessions_messages_subscribe").c_str()),
              "ws_sessions_messages_subscribe");
    }

    /** `chat.history` of a session as JSON text ({"sessionKey", "messages": [...], …});
     *  `limit` < 0 = the gateway's default number of messages. Any thread; throws Error as call(). */
    std::string chat_history(std::string_view session_key, int64_t limit = -1) const {
        char *out = nullptr;
        check(openclaw_ws_chat_history(ws_.get(), detail::c_string(session_key, "ws_chat_history").c_str(), limit,
                                       &out),
              "ws_chat_history");
        return detail::take(out);
    }

    /** `sessions.list` with `params_json` ("" = {}; e.g. {"limit":5}) as JSON text
     *  ({"sessions": [...], …}). Any thread; throws Error as call(). */
    std::string sessions_list(std::string_view params_json = {}) const {
        detail::OptString params(params_json, "ws_sessions_list");
        char *out = nullptr;
        check(openclaw_ws_sessions_list(ws_.get(), params.get(), &out), "ws_sessions_list");
        return detail::take(out);
    }

    /** `exec.approval.list`: the pending exec approvals as the gateway's JSON array. Any thread;
     *  throws Error as call() (_WS_MISSING_SCOPE without operator.approvals). */
    std::string approval_list() const { return json_answer(openclaw_ws_approval_list, "ws_approval_list"); }
    /** `agents.list` as JSON text. Any thread; throws Error as call(). */
    std::string agents_list() const { return json_answer(openclaw_ws_agents_list, "ws_agents_list"); }
    /** `models.list` as JSON text. Any thread; throws Error as call(). */
    std::string models_list() const { return json_answer(openclaw_ws_models_list, "ws_models_list"); }
    /** `health`: the gateway's health snapshot as JSON text. Any thread; throws Error as call(). */
    std::string health() const { return json_answer(openclaw_ws_health, "ws_health"); }

    /** Pulls the next event, waiting at most `timeout` (0 = do not wait, negative = until one
     *  comes); std::nullopt when none came in time. The event is the caller's. Several threads
     *  may pull (each event goes to one of them), from any thread. Throws
     *  Error(OPENCLAW_RESULT_WS_DISCONNECTED) once the connection is closed and the queue is
     *  empty. */
    std::optional<WsEvent> next_event(std::chrono::milliseconds timeout = no_limit) const {
        openclaw_ws_event *ev = nullptr;
        openclaw_result rc = openclaw_ws_next_event(ws_.get(), timeout.count() < 0 ? -1 : timeout.count(), &ev);
        if (rc == OPENCLAW_RESULT_TIMEOUT) return std::nullopt;
        check(rc, "ws_next_event");
        return WsEvent(ev);
    }

    /** Sends `message` on `session_key` (chat.send with a fresh idempotency key) and opens the
     *  stream of the run's events; the run is the caller's and may outlive this connection. Any
     *  thread; throws Error as call(). */
    WsChatRun chat_run(std::string_view session_key, std::string_view message) const {
        openclaw_ws_run *out = nullptr;
        check(openclaw_ws_chat_run_open(ws_.get(), detail::c_string(session_key, "ws_chat_run_open").c_str(),
                                        detail::c_string(message, "ws_chat_run_open").c_str(), &out),
              "ws_chat_run_open");
        return WsChatRun(out);
    }

    /** Closes the connection (idempotent) and waits for its thread; calls waiting on other
     *  threads then throw _WS_DISCONNECTED, and so does every later call, and next_event once the
     *  queued events are pulled. Runs started on it go on on the gateway. The object stays valid
     *  (destroy it as usual). Any thread. */
    void close() const { check(openclaw_ws_close(ws_.get()), "ws_close"); }

    /** The C handle (owned by this object; nullptr after a move). */
    const openclaw_ws *get() const noexcept { return ws_.get(); }

  private:
    std::string json_answer(openclaw_result (*f)(const openclaw_ws *, char **), std::string_view what_call) const {
        char *out = nullptr;
        check(f(ws_.get(), &out), what_call);
        return detail::take(out);
    }

    detail::Owned<openclaw_ws, openclaw_ws_free> ws_;
};

inline WsConnection Client::ws_connect() const {
    openclaw_ws *ws = nullptr;
    check(openclaw_ws_connect(c_.get(), nullptr, &ws), "ws_connect");
    return WsConnection(ws);
}

inline WsConnection Client::ws_connect(const WsOptions &opts) const {
    openclaw_ws *ws = nullptr;
    check(openclaw_ws_connect(c_.get(), opts.get(), &ws), "ws_connect");
    return WsConnection(ws);
}

}  // namespace openclaw

#endif /* OPENCLAW_CLIENT_HPP */
