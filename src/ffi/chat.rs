//! Chat requests and non-stream results.

use std::ffi::{CString, c_char};

use super::cancel::openclaw_cancel_token;
use super::client::openclaw_client;
use super::error::{Failure, openclaw_result};
use super::handle::{Handle, handles, new_handle, read, with_mut, with_ref};
use super::request::{self, Timeout};
use super::{bytes_arg, cstring, opt_str_arg, out_arg, run, str_arg};
use crate::chat::{
    ChatCompletion, ChatRequest, ContentPart, Message, Role, Tool, ToolCall, ToolChoice,
};
use crate::validate::RouteField;

/// Message role: system.
pub const OPENCLAW_ROLE_SYSTEM: u32 = 0;
/// Message role: developer.
pub const OPENCLAW_ROLE_DEVELOPER: u32 = 1;
/// Message role: user.
pub const OPENCLAW_ROLE_USER: u32 = 2;
/// Message role: assistant.
pub const OPENCLAW_ROLE_ASSISTANT: u32 = 3;
/// Message role: tool (use `openclaw_chat_request_add_tool_result`).
pub const OPENCLAW_ROLE_TOOL: u32 = 4;

/// `tool_choice`: the agent decides.
pub const OPENCLAW_TOOL_CHOICE_AUTO: u32 = 0;
/// `tool_choice`: client tools are dropped.
pub const OPENCLAW_TOOL_CHOICE_NONE: u32 = 1;
/// `tool_choice`: a tool call is required.
pub const OPENCLAW_TOOL_CHOICE_REQUIRED: u32 = 2;
/// `tool_choice`: this function must be called (pass its name).
pub const OPENCLAW_TOOL_CHOICE_FUNCTION: u32 = 3;

/// A chat request (opaque, mutable, single-owner; not thread-safe while being changed, but a
/// finished request may be used by several concurrent calls). Every setter copies its input.
pub struct openclaw_chat_request {
    pub(crate) req: ChatRequest,
}

/// A non-stream chat result (opaque, owned by the caller, read-only; free with
/// `openclaw_chat_result_free`). Strings returned by its getters live as long as it does.
pub struct openclaw_chat_result {
    reply: ChatCompletion,
    text: CString,
    reasoning: CString,
    finish: CString,
    calls: Vec<[CString; 3]>,
}

handles! {
    Boxed: openclaw_chat_request, openclaw_chat_result;
}

super::request::routed_request!(openclaw_chat_request);

/// An optional JSON argument (NULL = none), parsed.
pub(crate) unsafe fn json_arg(
    p: *const c_char,
    name: &'static str,
) -> Result<Option<serde_json::Value>, Failure> {
    // SAFETY: forwarded contract.
    match unsafe { opt_str_arg(p, name) }? {
        Some(t) => serde_json::from_str(t)
            .map(Some)
            .map_err(|e| Failure::invalid(format!("{name} is not valid JSON: {e}"))),
        None => Ok(None),
    }
}

/// A `tool_choice` from its C constant (`function_name` for `OPENCLAW_TOOL_CHOICE_FUNCTION`).
pub(crate) unsafe fn tool_choice_of(
    choice: u32,
    function_name: *const c_char,
) -> Result<ToolChoice, Failure> {
    Ok(match choice {
        OPENCLAW_TOOL_CHOICE_AUTO => ToolChoice::Auto,
        OPENCLAW_TOOL_CHOICE_NONE => ToolChoice::None,
        OPENCLAW_TOOL_CHOICE_REQUIRED => ToolChoice::Required,
        // SAFETY: forwarded contract (a NUL-terminated string).
        OPENCLAW_TOOL_CHOICE_FUNCTION => {
            ToolChoice::Function(unsafe { str_arg(function_name, "function_name") }?.to_owned())
        }
        _ => return Err(Failure::invalid(format!("unknown tool choice {choice}"))),
    })
}

/// A new, empty request. NULL only on panic. Free with `openclaw_chat_request_free`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_chat_request_new() -> *mut openclaw_chat_request {
    new_handle(|| openclaw_chat_request {
        req: ChatRequest::new(),
    })
}

/// Frees a request. NULL is accepted. A request may be freed as soon as the call using it has
/// returned (pull streams copy what they need when opened).
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_free(req: *mut openclaw_chat_request) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_chat_request::free(req) }
}

/// A role from its C constant.
pub(crate) fn role_of(role: u32) -> Result<Role, Failure> {
    Ok(match role {
        OPENCLAW_ROLE_SYSTEM => Role::System,
        OPENCLAW_ROLE_DEVELOPER => Role::Developer,
        OPENCLAW_ROLE_USER => Role::User,
        OPENCLAW_ROLE_ASSISTANT => Role::Assistant,
        OPENCLAW_ROLE_TOOL => Role::Tool,
        _ => return Err(Failure::invalid(format!("unknown role {role}"))),
    })
}

/// Appends a message with text content; `role` is an `OPENCLAW_ROLE_*` constant.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_message(
    req: *mut openclaw_chat_request,
    role: u32,
    text: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string.
    unsafe {
        with_mut(req, "req", |r| {
            let t = str_arg(text, "text")?;
            r.req.messages.push(Message::new(role_of(role)?, t));
            Ok(())
        })
    }
}

/// Appends an image part (a `data:` URI or URL) to the last message, turning its content
/// into parts.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_image_url(
    req: *mut openclaw_chat_request,
    url: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string.
    unsafe {
        with_mut(req, "req", |r| {
            Ok(r.req
                .push_part(ContentPart::image_url(str_arg(url, "url")?))?)
        })
    }
}

/// Appends an image part made from raw bytes (sent as a base64 `data:` URI with `mime`, e.g.
/// `image/png`) to the last message.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_image_bytes(
    req: *mut openclaw_chat_request,
    mime: *const c_char,
    data: *const u8,
    len: usize,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string; `len` readable bytes.
    unsafe {
        with_mut(req, "req", |r| {
            let (m, d) = (str_arg(mime, "mime")?, bytes_arg(data, len, "data")?);
            Ok(r.req.push_part(ContentPart::image_bytes(m, d))?)
        })
    }
}

/// Adds a tool call (id, function name, JSON arguments) to the last message, which must be
/// an assistant message: the history of a tool follow-up turn.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_tool_call(
    req: *mut openclaw_chat_request,
    id: *const c_char,
    name: *const c_char,
    arguments_json: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings.
    unsafe {
        with_mut(req, "req", |r| {
            Ok(r.req.push_tool_call(ToolCall {
                id: str_arg(id, "id")?.into(),
                name: str_arg(name, "name")?.into(),
                arguments: str_arg(arguments_json, "arguments_json")?.into(),
            })?)
        })
    }
}

/// Appends a tool-result message answering `tool_call_id`.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_tool_result(
    req: *mut openclaw_chat_request,
    tool_call_id: *const c_char,
    text: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings.
    unsafe {
        with_mut(req, "req", |r| {
            let id = str_arg(tool_call_id, "tool_call_id")?;
            r.req
                .messages
                .push(Message::tool(id, str_arg(text, "text")?));
            Ok(())
        })
    }
}

/// Sets the `model` field verbatim (an agent target: `openclaw`, `openclaw/<agent>`); NULL
/// restores the default (`openclaw/<agent>` with the per-call or client agent). CR/LF/NUL give
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` here (routing values are checked when set, by the same
/// rule for every request kind).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_target(
    req: *mut openclaw_chat_request,
    model: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::Target, model) }
}

/// Selects the agent for this call (`x-openclaw-agent-id`, wins over the target); NULL =
/// the client's agent. An id outside `[a-z0-9][a-z0-9_-]{0,63}` gives
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` here (checked when set).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_agent(
    req: *mut openclaw_chat_request,
    agent_id: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::Agent, agent_id) }
}

/// Sets `user` (a stable session `agent:<id>:openai-user:<user>`); NULL clears it.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_user(
    req: *mut openclaw_chat_request,
    user: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.user = opt_str_arg(user, "user")?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Sets `x-openclaw-session-key` verbatim (wins over `user`); NULL clears it. Reserved
/// namespaces (`subagent:`, `cron:`, `acp:`) and CR/LF/NUL give
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` here.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_session_key(
    req: *mut openclaw_chat_request,
    key: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::SessionKey, key) }
}

/// Sets `x-openclaw-session-key` to `agent:<agent_id>:<key>`, validated.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_agent_session_key(
    req: *mut openclaw_chat_request,
    agent_id: *const c_char,
    key: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings.
    unsafe { request::set_agent_session_key(req, agent_id, key) }
}

/// Sets `x-openclaw-message-channel`; NULL clears it. CR/LF/NUL give
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` here.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_channel(
    req: *mut openclaw_chat_request,
    channel: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::Channel, channel) }
}

/// Sets `x-openclaw-model` (backend model override, `provider/model`); NULL clears it. CR/LF/NUL
/// give `OPENCLAW_RESULT_INVALID_ARGUMENT` here.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_model_override(
    req: *mut openclaw_chat_request,
    model: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::ModelOverride, model) }
}

/// Adds an extra header. A name that is not an HTTP token or that the library writes itself
/// (`Authorization`, `Content-Type`…), or CR/LF/NUL in the value, gives
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` here.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_header(
    req: *mut openclaw_chat_request,
    name: *const c_char,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings.
    unsafe { request::add_header(req, name, value) }
}

/// Adds a client-side function tool; `description` and `parameters_json` (a JSON schema)
/// may be NULL.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_tool(
    req: *mut openclaw_chat_request,
    name: *const c_char,
    description: *const c_char,
    parameters_json: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            let (n, d) = (
                str_arg(name, "name")?,
                opt_str_arg(description, "description")?,
            );
            let params = json_arg(parameters_json, "parameters_json")?;
            r.req.tools.push(Tool::function(n, d, params));
            Ok(())
        })
    }
}

/// Sets `tool_choice` (`OPENCLAW_TOOL_CHOICE_*`); `function_name` is required for
/// `OPENCLAW_TOOL_CHOICE_FUNCTION` and ignored otherwise.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_tool_choice(
    req: *mut openclaw_chat_request,
    choice: u32,
    function_name: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.tool_choice = Some(tool_choice_of(choice, function_name)?);
            Ok(())
        })
    }
}

/// Sets `temperature` (0–2; the gateway validates it).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_temperature(
    req: *mut openclaw_chat_request,
    temperature: f64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.temperature = Some(temperature);
            Ok(())
        })
    }
}

/// Sets `top_p` (0–1).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_top_p(
    req: *mut openclaw_chat_request,
    top_p: f64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.top_p = Some(top_p);
            Ok(())
        })
    }
}

/// Streams made with this request keep the text they receive (`keep` true, the default) or
/// keep nothing (`keep` false): memory then stays flat however long the stream runs, every
/// delta still reaches the callback / `openclaw_stream_next`, but `openclaw_stream_text` and
/// `openclaw_last_error_partial_text` stay empty and tool calls keep only their id and name.
/// Ignored by `openclaw_chat`.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL request. Thread-safety: one thread at a
/// time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_keep_text(
    req: *mut openclaw_chat_request,
    keep: bool,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.keep_text = Some(keep);
            Ok(())
        })
    }
}

/// The bound on what a stream made with this request keeps across events, in bytes (0 = the
/// client's, 64 MiB unless `openclaw_client_builder_set_max_kept_bytes` changed it). When the
/// kept text would pass it, the events of that chunk are still delivered, then the stream ends
/// with `OPENCLAW_RESULT_LIMIT_EXCEEDED` and `openclaw_last_error_partial_text` holds the text
/// that fitted. Ignored by `openclaw_chat`.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL request. Thread-safety: one thread at a
/// time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_max_kept_bytes(
    req: *mut openclaw_chat_request,
    max: usize,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.max_kept_bytes = (max > 0).then_some(max);
            Ok(())
        })
    }
}

/// Sets `max_completion_tokens` (0 clears it).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_max_tokens(
    req: *mut openclaw_chat_request,
    max_tokens: u32,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.max_tokens = (max_tokens > 0).then_some(max_tokens);
            Ok(())
        })
    }
}

/// Adds a stop sequence (at most 4).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_add_stop(
    req: *mut openclaw_chat_request,
    stop: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.stop.push(str_arg(stop, "stop")?.to_owned());
            Ok(())
        })
    }
}

/// Sets `seed`.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_seed(
    req: *mut openclaw_chat_request,
    seed: i64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.seed = Some(seed);
            Ok(())
        })
    }
}

/// Asks for a trailing usage event on streams (`stream_options.include_usage`).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_include_usage(
    req: *mut openclaw_chat_request,
    include: bool,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_mut(req, "req", |r| {
            r.req.include_usage = include;
            Ok(())
        })
    }
}

/// Overrides the connect timeout for calls with this request (ms, 0 = no limit).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_connect_timeout_ms(
    req: *mut openclaw_chat_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Connect, ms) }
}

/// Overrides the response-headers timeout for calls with this request (ms, 0 = no limit).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_response_timeout_ms(
    req: *mut openclaw_chat_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Response, ms) }
}

/// Overrides the idle (per-read) timeout for calls with this request (ms, 0 = no limit).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_idle_timeout_ms(
    req: *mut openclaw_chat_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Idle, ms) }
}

/// Overrides the total timeout for calls with this request (ms, 0 = no limit).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_total_timeout_ms(
    req: *mut openclaw_chat_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Total, ms) }
}

/// Attaches a cancel token (the request keeps its own reference; the token may be freed
/// first). `openclaw_cancel_token_cancel` then ends calls with this request at once.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` / `OPENCLAW_RESULT_INVALID_UTF8` for bad pointers or
/// strings. Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_cancel_token(
    req: *mut openclaw_chat_request,
    token: *const openclaw_cancel_token,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a live token or NULL.
    unsafe { request::set_cancel(req, token) }
}

/// Sends a W3C trace context with the calls of this request: `traceparent` (e.g.
/// `00-<32 hex>-<16 hex>-01`) and, when not NULL, `tracestate`. NULL `traceparent` clears it;
/// without one each call sends a fresh `traceparent` (read it back from a pull stream with
/// `openclaw_stream_traceparent`). A malformed value gives `OPENCLAW_RESULT_INVALID_ARGUMENT`.
///
/// Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_trace_context(
    req: *mut openclaw_chat_request,
    traceparent: *const c_char,
    tracestate: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings or NULL.
    unsafe { request::set_trace(req, traceparent, tracestate) }
}

/// Turns the client's retry policy off (`no_retry` true) or back on for calls with this request.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL request. Thread-safety: one thread at a
/// time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_request_set_no_retry(
    req: *mut openclaw_chat_request,
    no_retry: bool,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_no_retry(req, no_retry) }
}

/// Runs one agent turn without streaming and writes the whole reply to `*out`.
///
/// Blocks for the whole turn (bounded by the response timeout). On failure returns the error
/// code, sets the last error (`openclaw_last_error_*`) and leaves `*out` untouched.
/// Ownership: `*out` belongs to the caller (free with `openclaw_chat_result_free`); `client`
/// and `req` are only borrowed for the call. Thread-safety: any thread; the client may be
/// shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat(
    client: *const openclaw_client,
    req: *const openclaw_chat_request,
    out: *mut *mut openclaw_chat_result,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let (c, r) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                openclaw_chat_request::arg(req, "req")?,
            )
        };
        out_arg(out, "out")?;
        let reply = c.client.chat(&r.req)?;
        openclaw_chat_result::give(out, result_of(reply))
    })
}

pub(crate) fn result_of(reply: ChatCompletion) -> openclaw_chat_result {
    openclaw_chat_result {
        text: cstring(&reply.content),
        reasoning: cstring(&reply.reasoning),
        finish: cstring(
            reply
                .finish_reason
                .as_ref()
                .map(|f| f.as_str())
                .unwrap_or(""),
        ),
        calls: reply
            .tool_calls
            .iter()
            .map(|c| [cstring(&c.id), cstring(&c.name), cstring(&c.arguments)])
            .collect(),
        reply,
    }
}

/// The reply text (NUL-terminated; `len_out`, nullable, receives the byte length). Owned by the
/// result. NULL for a NULL result.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_text(
    r: *const openclaw_chat_result,
    len_out: *mut usize,
) -> *const c_char {
    // SAFETY: a live result or NULL; `len_out` NULL or writable.
    unsafe {
        read(r, std::ptr::null(), |r| {
            super::write_each(&[(len_out, r.reply.content.len())]);
            r.text.as_ptr()
        })
    }
}

/// The reasoning text, `""` when none. Owned by the result; NULL for a NULL result.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_reasoning(
    r: *const openclaw_chat_result,
) -> *const c_char {
    // SAFETY: a live result or NULL.
    unsafe { read(r, std::ptr::null(), |r| r.reasoning.as_ptr()) }
}

/// The finish reason (`stop`, `length`, `tool_calls`…), `""` when the gateway sent none. Owned
/// by the result; NULL for a NULL result.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_finish_reason(
    r: *const openclaw_chat_result,
) -> *const c_char {
    // SAFETY: a live result or NULL.
    unsafe { read(r, std::ptr::null(), |r| r.finish.as_ptr()) }
}

/// True when the agent produced no text and no tool call (the gateway's "No response from
/// OpenClaw." placeholder, or a stream with no content). False for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_is_empty(r: *const openclaw_chat_result) -> bool {
    // SAFETY: a live result or NULL.
    unsafe { read(r, false, |r| r.reply.empty) }
}

/// Writes the token usage; returns false (writing nothing) when the reply had no usage or `r`
/// is NULL. Each out-pointer may be NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_usage(
    r: *const openclaw_chat_result,
    prompt_tokens: *mut u64,
    completion_tokens: *mut u64,
    total_tokens: *mut u64,
) -> bool {
    // SAFETY: a live result or NULL; out-pointers NULL or writable.
    unsafe {
        read(r, false, |r| {
            let Some(u) = r.reply.usage else {
                return false;
            };
            super::write_each(&[
                (prompt_tokens, u.prompt_tokens),
                (completion_tokens, u.completion_tokens),
                (total_tokens, u.total_tokens),
            ]);
            true
        })
    }
}

/// How many tool calls the reply asks the client to run (0 for NULL).
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_tool_call_count(
    r: *const openclaw_chat_result,
) -> usize {
    // SAFETY: a live result or NULL.
    unsafe { read(r, 0, |r| r.calls.len()) }
}

/// Tool call `index`: writes its id, function name and JSON arguments (each out-pointer may be
/// NULL; the strings are owned by the result). `OPENCLAW_RESULT_INVALID_ARGUMENT` for an index
/// out of range.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_tool_call(
    r: *const openclaw_chat_result,
    index: usize,
    id: *mut *const c_char,
    name: *mut *const c_char,
    arguments_json: *mut *const c_char,
) -> openclaw_result {
    // SAFETY: a live result or NULL; out-pointers NULL or writable.
    unsafe {
        with_ref(r, "r", |r| {
            let c = r.calls.get(index).ok_or_else(|| {
                Failure::invalid(format!("tool call index {index} is out of range"))
            })?;
            super::write_each(&[
                (id, c[0].as_ptr()),
                (name, c[1].as_ptr()),
                (arguments_json, c[2].as_ptr()),
            ]);
            Ok(())
        })
    }
}

/// Frees a result. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_chat_result_free(r: *mut openclaw_chat_result) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_chat_result::free(r) }
}
