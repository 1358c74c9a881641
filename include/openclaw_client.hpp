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
 * OWNERSHIP: every class that owns a C handle (Client, ClientBuilder, ChatRequest, CancelToken,
 * Stream, ChatResult, Diagnosis, ModelList) is move-only and frees its handle exactly once in its
 * destructor; a moved-from object owns nothing (get() == nullptr) and may only be destroyed or
 * assigned to. Views (Event, std::string_view results) borrow from their owner: an Event is valid
 * until the stream advances, a result's string_view as long as the result lives.
 *
 * ERRORS: a failing call throws openclaw::Error, carrying the result code, the library's message,
 * the HTTP status, the gateway's error type, Retry-After and the partial text of a stream. The
 * last error is read on the thread that made the call, before any other library call.
 *
 * THREADS: as the C API. A Client may be used by many threads at once; a CancelToken may be
 * cancelled from any thread; a Stream, ChatRequest or builder is used by one thread at a time.
 * No callback API is wrapped here (C callbacks must not unwind), only the pull stream.
 */
#ifndef OPENCLAW_CLIENT_HPP
#define OPENCLAW_CLIENT_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
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
    /** The gateway's error type ("unauthorized", "tool_call_blocked"…), "" when none. */
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

}  // namespace openclaw

#endif /* OPENCLAW_CLIENT_HPP */
