//! `/v1/responses` from C: a request object, a result object, and streaming through the same
//! callback and pull APIs as chat (`openclaw_event`: CONTENT for text deltas, TOOL_CALL for
//! function calls, DONE with the status and usage, LIFECYCLE for the rest).

use std::ffi::{CString, c_char, c_void};

use super::cancel::openclaw_cancel_token;
use super::chat::{json_arg, role_of, tool_choice_of};
use super::client::openclaw_client;
use super::error::{Failure, openclaw_result};
use super::handle::{Handle, handles, new_handle, read, with_mut, with_ref};
use super::request::{self, Timeout};
use super::stream::{StreamSource, openclaw_event_callback, openclaw_stream};
use super::{bytes_arg, cstring, opt_str_arg, out_arg, run, str_arg};
use crate::responses::{InputItem, InputPart, Response, ResponsesRequest};
use crate::validate::RouteField;

/// A `/v1/responses` request (opaque, mutable, single-owner). Every setter copies its input.
pub struct openclaw_responses_request {
    req: ResponsesRequest,
}

/// A `/v1/responses` result (opaque, owned by the caller, read-only). Strings returned by its
/// getters live as long as it does.
pub struct openclaw_response {
    resp: Response,
    id: CString,
    status: CString,
    text: CString,
    text_len: usize,
    reason: Option<CString>,
    calls: Vec<[CString; 3]>,
}

handles! {
    Boxed: openclaw_responses_request, openclaw_response;
}

super::request::routed_request!(openclaw_responses_request);

/// The body of a request setter.
unsafe fn with_req(
    req: *mut openclaw_responses_request,
    f: impl FnOnce(&mut ResponsesRequest) -> Result<(), Failure>,
) -> openclaw_result {
    // SAFETY: forwarded contract (a live request or NULL).
    unsafe { with_mut(req, "req", |r| f(&mut r.req)) }
}

/// A new request with no input yet. NULL only on panic. Free with
/// `openclaw_responses_request_free`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_responses_request_new() -> *mut openclaw_responses_request {
    new_handle(|| openclaw_responses_request {
        req: ResponsesRequest::text(""),
    })
}

/// Frees a request. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_free(req: *mut openclaw_responses_request) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_responses_request::free(req) }
}

/// Appends a message item with one text part; `role` is `OPENCLAW_ROLE_SYSTEM`, `_DEVELOPER`,
/// `_USER` or `_ASSISTANT`.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_message(
    req: *mut openclaw_responses_request,
    role: u32,
    text: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string.
    unsafe {
        with_req(req, |r| {
            let t = str_arg(text, "text")?;
            Ok(r.push_message(role_of(role)?, t)?)
        })
    }
}

/// Appends an image part from a URL to the last message item.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_image_url(
    req: *mut openclaw_responses_request,
    url: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string.
    unsafe {
        with_req(req, |r| {
            Ok(r.push_part(InputPart::image_url(str_arg(url, "url")?))?)
        })
    }
}

/// Appends an image part from bytes (`mime`, e.g. `image/png`) to the last message item.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_image_bytes(
    req: *mut openclaw_responses_request,
    mime: *const c_char,
    data: *const u8,
    len: usize,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string and `len` readable bytes.
    unsafe {
        with_req(req, |r| {
            let (m, d) = (str_arg(mime, "mime")?, bytes_arg(data, len, "data")?);
            Ok(r.push_part(InputPart::image_bytes(m, d.to_vec()))?)
        })
    }
}

/// Appends a file part from a URL to the last message item.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_file_url(
    req: *mut openclaw_responses_request,
    url: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string.
    unsafe {
        with_req(req, |r| {
            Ok(r.push_part(InputPart::file_url(str_arg(url, "url")?))?)
        })
    }
}

/// Appends a file part from bytes (`mime`, e.g. `text/plain` or `application/pdf`; `filename`
/// may be NULL) to the last message item.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_file_bytes(
    req: *mut openclaw_responses_request,
    mime: *const c_char,
    data: *const u8,
    len: usize,
    filename: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings (filename nullable) and `len`
    // readable bytes.
    unsafe {
        with_req(req, |r| {
            let (m, d) = (str_arg(mime, "mime")?, bytes_arg(data, len, "data")?);
            let f = opt_str_arg(filename, "filename")?.map(str::to_owned);
            Ok(r.push_part(InputPart::file_bytes(m, d.to_vec(), f))?)
        })
    }
}

/// Appends a `function_call_output` item answering `call_id`.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_function_call_output(
    req: *mut openclaw_responses_request,
    call_id: *const c_char,
    output: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings.
    unsafe {
        with_req(req, |r| {
            r.push_item(InputItem::FunctionCallOutput {
                call_id: str_arg(call_id, "call_id")?.into(),
                output: str_arg(output, "output")?.into(),
            });
            Ok(())
        })
    }
}

/// Adds a client-side function tool (`description` and `parameters_json` may be NULL).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_tool(
    req: *mut openclaw_responses_request,
    name: *const c_char,
    description: *const c_char,
    parameters_json: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings or NULL.
    unsafe {
        with_req(req, |r| {
            let (n, d) = (
                str_arg(name, "name")?,
                opt_str_arg(description, "description")?,
            );
            let params = json_arg(parameters_json, "parameters_json")?;
            r.tools.push((n.into(), d.map(str::to_owned), params));
            Ok(())
        })
    }
}

/// Sets `tool_choice` (`OPENCLAW_TOOL_CHOICE_*`; `function_name` for `_FUNCTION`).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_tool_choice(
    req: *mut openclaw_responses_request,
    choice: u32,
    function_name: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_req(req, |r| {
            r.tool_choice = Some(tool_choice_of(choice, function_name)?);
            Ok(())
        })
    }
}

/// Sets `max_output_tokens` (0 clears it).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_max_output_tokens(
    req: *mut openclaw_responses_request,
    max: u32,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_req(req, |r| {
            r.max_output_tokens = (max > 0).then_some(max);
            Ok(())
        })
    }
}

/// Streams made with this request keep the text of the deltas (`keep` true, the default) or
/// keep nothing (`keep` false, flat memory however long the stream runs; `openclaw_stream_text`
/// and `openclaw_last_error_partial_text` then stay empty). Ignored by `openclaw_responses`.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_keep_text(
    req: *mut openclaw_responses_request,
    keep: bool,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_req(req, |r| {
            r.keep_text = Some(keep);
            Ok(())
        })
    }
}

/// The bound on the text a stream made with this request keeps, in bytes (0 = the client's,
/// 64 MiB by default); reaching it ends the stream with `OPENCLAW_RESULT_LIMIT_EXCEEDED` and
/// the text that fitted in `openclaw_last_error_partial_text`. Ignored by `openclaw_responses`.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_max_kept_bytes(
    req: *mut openclaw_responses_request,
    max: usize,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_req(req, |r| {
            r.max_kept_bytes = (max > 0).then_some(max);
            Ok(())
        })
    }
}

/// Overrides the idle (per-read) timeout for calls with this request (ms, 0 = no limit).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_idle_timeout_ms(
    req: *mut openclaw_responses_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Idle, ms) }
}

/// Attaches a cancel token (a reference is kept; the token may be freed first).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_cancel_token(
    req: *mut openclaw_responses_request,
    token: *const openclaw_cancel_token,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a live token or NULL.
    unsafe { request::set_cancel(req, token) }
}

/// Sets `instructions` (added to the system prompt); NULL clears it. The string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_instructions(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_req(req, |r| {
            r.instructions = opt_str_arg(value, "value")?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Sets `previous_response_id` (continue the session of that response); NULL clears it. The
/// string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_previous_response_id(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_req(req, |r| {
            r.previous_response_id = opt_str_arg(value, "value")?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Sets `user` (a stable session per user string); NULL clears it. The string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_user(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_req(req, |r| {
            r.user = opt_str_arg(value, "value")?.map(str::to_owned);
            Ok(())
        })
    }
}

/// Sets the `model` agent target (`openclaw`, `openclaw/<agent>`); NULL restores the default
/// (`openclaw/<agent>` with the per-call or client agent). CR/LF/NUL are refused.
/// Checked when set, by the rule every request kind shares:
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` for a refused value. The string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_target(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::Target, value) }
}

/// Selects the agent (`x-openclaw-agent-id`, wins over the target); NULL = the client's agent.
/// An id outside `[a-z0-9][a-z0-9_-]{0,63}` is refused.
/// Checked when set, by the rule every request kind shares:
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` for a refused value. The string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_agent(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::Agent, value) }
}

/// Sets `x-openclaw-session-key`; NULL clears it. Reserved namespaces (`subagent:`, `cron:`,
/// `acp:`) and CR/LF/NUL are refused.
/// Checked when set, by the rule every request kind shares:
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` for a refused value. The string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_session_key(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::SessionKey, value) }
}

/// Sets `x-openclaw-message-channel`; NULL clears it. CR/LF/NUL are refused.
/// Checked when set, by the rule every request kind shares:
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` for a refused value. The string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_channel(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::Channel, value) }
}

/// Sets `x-openclaw-model` (backend model override, `provider/model`); NULL clears it. CR/LF/NUL
/// are refused.
/// Checked when set, by the rule every request kind shares:
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` for a refused value. The string is copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_model_override(
    req: *mut openclaw_responses_request,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(req, RouteField::ModelOverride, value) }
}

/// Sets `x-openclaw-session-key` to `agent:<agent_id>:<key>`, checked when set
/// (`OPENCLAW_RESULT_INVALID_ARGUMENT` for a bad agent id or a reserved key). Strings are copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_agent_session_key(
    req: *mut openclaw_responses_request,
    agent_id: *const c_char,
    key: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings.
    unsafe { request::set_agent_session_key(req, agent_id, key) }
}

/// Adds an extra header, checked when set: a name that is not an HTTP token or that the
/// library writes itself, or CR/LF/NUL in the value, gives `OPENCLAW_RESULT_INVALID_ARGUMENT`.
/// Strings are copied.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_header(
    req: *mut openclaw_responses_request,
    name: *const c_char,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings.
    unsafe { request::add_header(req, name, value) }
}

/// Sets `temperature` (0–2; the gateway validates it).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_temperature(
    req: *mut openclaw_responses_request,
    temperature: f64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_req(req, |r| {
            r.temperature = Some(temperature);
            Ok(())
        })
    }
}

/// Sets `top_p` (0–1).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_top_p(
    req: *mut openclaw_responses_request,
    top_p: f64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe {
        with_req(req, |r| {
            r.top_p = Some(top_p);
            Ok(())
        })
    }
}

/// Overrides the connect timeout for calls with this request (ms, 0 = no limit).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_connect_timeout_ms(
    req: *mut openclaw_responses_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Connect, ms) }
}

/// Overrides the response-headers timeout for calls with this request (ms, 0 = no limit).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_response_timeout_ms(
    req: *mut openclaw_responses_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Response, ms) }
}

/// Overrides the total timeout for calls with this request (ms, 0 = no limit).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_total_timeout_ms(
    req: *mut openclaw_responses_request,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_timeout(req, Timeout::Total, ms) }
}

/// Sends a W3C trace context with the calls of this request: `traceparent` (e.g.
/// `00-<32 hex>-<16 hex>-01`) and, when not NULL, `tracestate`. NULL `traceparent` clears it;
/// without one each call sends a fresh `traceparent` (read it back from a pull stream with
/// `openclaw_stream_traceparent`). A malformed value gives `OPENCLAW_RESULT_INVALID_ARGUMENT`.
///
/// Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_trace_context(
    req: *mut openclaw_responses_request,
    traceparent: *const c_char,
    tracestate: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings or NULL.
    unsafe { request::set_trace(req, traceparent, tracestate) }
}

/// Turns the client's retry policy off (`no_retry` true) or back on for calls with this request.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_no_retry(
    req: *mut openclaw_responses_request,
    no_retry: bool,
) -> openclaw_result {
    // SAFETY: a live request or NULL.
    unsafe { request::set_no_retry(req, no_retry) }
}

/// Runs one turn through `/v1/responses` and writes the response to `*out` (free with
/// `openclaw_response_free`). A failed run is an error with the response's message.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses(
    client: *const openclaw_client,
    req: *const openclaw_responses_request,
    out: *mut *mut openclaw_response,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let (c, r) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                openclaw_responses_request::arg(req, "req")?,
            )
        };
        out_arg(out, "out")?;
        let resp = c.client.responses(&r.req)?;
        let text = resp.output_text();
        let result = openclaw_response {
            id: cstring(&resp.id),
            status: cstring(&resp.status),
            text_len: text.len(),
            text: cstring(&text),
            reason: resp.incomplete_reason.as_deref().map(cstring),
            calls: resp
                .function_calls()
                .map(|(c, n, a)| [cstring(c), cstring(n), cstring(a)])
                .collect(),
            resp,
        };
        openclaw_response::give(out, result)
    })
}

/// Streams a `/v1/responses` turn through `callback` on this thread (see `openclaw_chat_stream`;
/// events: LIFECYCLE, CONTENT, TOOL_CALL, then DONE with `text` = `completed`/`incomplete` and
/// the usage; `response.failed` is an ERROR event and `OPENCLAW_RESULT_STREAM_ERROR`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_stream(
    client: *const openclaw_client,
    req: *const openclaw_responses_request,
    callback: openclaw_event_callback,
    userdata: *mut c_void,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let (c, r) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                openclaw_responses_request::arg(req, "req")?,
            )
        };
        let Some(cb) = callback else {
            return Err(Failure::null("callback"));
        };
        openclaw_stream::new(StreamSource::Responses(c.client.responses_stream(&r.req)?))
            .run_callback(cb, userdata)
    })
}

/// Opens a `/v1/responses` pull stream (read with `openclaw_stream_next`, free with
/// `openclaw_stream_free`).
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_stream_open(
    client: *const openclaw_client,
    req: *const openclaw_responses_request,
    out: *mut *mut openclaw_stream,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let (c, r) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                openclaw_responses_request::arg(req, "req")?,
            )
        };
        out_arg(out, "out")?;
        let s = openclaw_stream::new(StreamSource::Responses(c.client.responses_stream(&r.req)?));
        openclaw_stream::give(out, s)
    })
}

/// The response id (`resp_…`), owned by the response; NULL for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_id(r: *const openclaw_response) -> *const c_char {
    // SAFETY: a live response or NULL.
    unsafe { read(r, std::ptr::null(), |r| r.id.as_ptr()) }
}

/// The status (`completed` or `incomplete`), owned by the response; NULL for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_status(r: *const openclaw_response) -> *const c_char {
    // SAFETY: a live response or NULL.
    unsafe { read(r, std::ptr::null(), |r| r.status.as_ptr()) }
}

/// Why it is incomplete (e.g. `max_output_tokens`), or NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_incomplete_reason(
    r: *const openclaw_response,
) -> *const c_char {
    // SAFETY: a live response or NULL.
    unsafe {
        read(r, std::ptr::null(), |r| {
            r.reason.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
        })
    }
}

/// The text of all message items (NUL-terminated; `len_out` nullable), owned by the response.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_output_text(
    r: *const openclaw_response,
    len_out: *mut usize,
) -> *const c_char {
    // SAFETY: a live response or NULL; `len_out` NULL or writable.
    unsafe {
        read(r, std::ptr::null(), |r| {
            super::write_each(&[(len_out, r.text_len)]);
            r.text.as_ptr()
        })
    }
}

/// Writes input/output/total tokens; false (nothing written) when absent. Out-pointers nullable.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_usage(
    r: *const openclaw_response,
    input_tokens: *mut u64,
    output_tokens: *mut u64,
    total_tokens: *mut u64,
) -> bool {
    // SAFETY: a live response or NULL; out-pointers NULL or writable.
    unsafe {
        read(r, false, |r| {
            let Some(u) = r.resp.usage else {
                return false;
            };
            super::write_each(&[
                (input_tokens, u.input_tokens),
                (output_tokens, u.output_tokens),
                (total_tokens, u.total_tokens),
            ]);
            true
        })
    }
}

/// Number of function calls to run (0 for NULL).
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_function_call_count(
    r: *const openclaw_response,
) -> usize {
    // SAFETY: a live response or NULL.
    unsafe { read(r, 0, |r| r.calls.len()) }
}

/// Function call `index`: its call id, name and JSON arguments (out-pointers nullable; strings
/// owned by the response). `OPENCLAW_RESULT_INVALID_ARGUMENT` when out of range.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_function_call(
    r: *const openclaw_response,
    index: usize,
    call_id: *mut *const c_char,
    name: *mut *const c_char,
    arguments_json: *mut *const c_char,
) -> openclaw_result {
    // SAFETY: a live response or NULL; out-pointers NULL or writable.
    unsafe {
        with_ref(r, "r", |r| {
            let c = r.calls.get(index).ok_or_else(|| {
                Failure::invalid(format!("function call index {index} is out of range"))
            })?;
            super::write_each(&[
                (call_id, c[0].as_ptr()),
                (name, c[1].as_ptr()),
                (arguments_json, c[2].as_ptr()),
            ]);
            Ok(())
        })
    }
}

/// Frees a response. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_free(r: *mut openclaw_response) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_response::free(r) }
}
