//! `/v1/responses` from C: a request object, a result object, and streaming through the same
//! callback and pull APIs as chat (`openclaw_event`: CONTENT for text deltas, TOOL_CALL for
//! function calls, DONE with the status and usage, LIFECYCLE for the rest).

use std::ffi::{CString, c_char, c_void};
use std::time::Duration;

use super::cancel::openclaw_cancel_token;
use super::chat::{
    OPENCLAW_TOOL_CHOICE_AUTO, OPENCLAW_TOOL_CHOICE_FUNCTION, OPENCLAW_TOOL_CHOICE_NONE,
    OPENCLAW_TOOL_CHOICE_REQUIRED,
};
use super::client::openclaw_client;
use super::error::{Failure, openclaw_result};
use super::stream::{StreamSource, openclaw_event_callback, openclaw_stream};
use super::{bytes_arg, cstring, handle, handle_mut, opt_str_arg, out_arg, run, str_arg};
use crate::chat::{Role, ToolChoice};
use crate::responses::{Input, InputItem, InputPart, Response, ResponsesRequest};

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

fn with_req(
    req: *mut openclaw_responses_request,
    f: impl FnOnce(&mut ResponsesRequest) -> Result<(), Failure>,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live request or NULL.
        let r = unsafe { handle_mut(req, "req") }?;
        f(&mut r.req)
    })
}

fn items(r: &mut ResponsesRequest) -> &mut Vec<InputItem> {
    if let Input::Text(t) = &r.input {
        r.input = Input::Items(if t.is_empty() {
            Vec::new()
        } else {
            vec![InputItem::Message {
                role: Role::User,
                content: vec![InputPart::text(t.clone())],
            }]
        });
    }
    match &mut r.input {
        Input::Items(v) => v,
        Input::Text(_) => unreachable!("converted above"),
    }
}

fn add_part(r: &mut ResponsesRequest, part: InputPart) -> Result<(), Failure> {
    match items(r).last_mut() {
        Some(InputItem::Message { content, .. }) => {
            content.push(part);
            Ok(())
        }
        _ => Err(Failure::invalid(
            "add a message first: parts belong to the last message",
        )),
    }
}

/// A new request with no input yet. NULL only on panic. Free with
/// `openclaw_responses_request_free`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_responses_request_new() -> *mut openclaw_responses_request {
    super::guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(openclaw_responses_request {
            req: ResponsesRequest::text(""),
        }))
    })
}

/// Frees a request. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_free(req: *mut openclaw_responses_request) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { super::free_box(req) }
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
    with_req(req, |r| {
        // SAFETY: NUL-terminated string.
        let t = unsafe { str_arg(text, "text") }?;
        let role = match role {
            super::chat::OPENCLAW_ROLE_SYSTEM => Role::System,
            super::chat::OPENCLAW_ROLE_DEVELOPER => Role::Developer,
            super::chat::OPENCLAW_ROLE_USER => Role::User,
            super::chat::OPENCLAW_ROLE_ASSISTANT => Role::Assistant,
            _ => {
                return Err(Failure::invalid(format!(
                    "role {role} is not allowed in a responses message"
                )));
            }
        };
        items(r).push(InputItem::Message {
            role,
            content: vec![InputPart::text(t)],
        });
        Ok(())
    })
}

/// Appends an image part from a URL to the last message item.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_image_url(
    req: *mut openclaw_responses_request,
    url: *const c_char,
) -> openclaw_result {
    // SAFETY: NUL-terminated string.
    with_req(req, |r| {
        add_part(r, InputPart::image_url(unsafe { str_arg(url, "url") }?))
    })
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
    with_req(req, |r| {
        // SAFETY: NUL-terminated string and `len` readable bytes.
        let (m, d) = unsafe { (str_arg(mime, "mime")?, bytes_arg(data, len, "data")?) };
        add_part(r, InputPart::image_bytes(m, d.to_vec()))
    })
}

/// Appends a file part from a URL to the last message item.
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_add_file_url(
    req: *mut openclaw_responses_request,
    url: *const c_char,
) -> openclaw_result {
    // SAFETY: NUL-terminated string.
    with_req(req, |r| {
        add_part(r, InputPart::file_url(unsafe { str_arg(url, "url") }?))
    })
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
    with_req(req, |r| {
        // SAFETY: NUL-terminated strings (filename nullable) and `len` readable bytes.
        let (m, d, f) = unsafe {
            (
                str_arg(mime, "mime")?,
                bytes_arg(data, len, "data")?,
                opt_str_arg(filename, "filename")?,
            )
        };
        add_part(
            r,
            InputPart::file_bytes(m, d.to_vec(), f.map(str::to_owned)),
        )
    })
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
    with_req(req, |r| {
        // SAFETY: NUL-terminated strings.
        let (c, o) = unsafe { (str_arg(call_id, "call_id")?, str_arg(output, "output")?) };
        items(r).push(InputItem::FunctionCallOutput {
            call_id: c.into(),
            output: o.into(),
        });
        Ok(())
    })
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
    with_req(req, |r| {
        // SAFETY: NUL-terminated strings or NULL.
        let (n, d, p) = unsafe {
            (
                str_arg(name, "name")?,
                opt_str_arg(description, "description")?,
                opt_str_arg(parameters_json, "parameters_json")?,
            )
        };
        let params = match p {
            Some(p) => Some(serde_json::from_str(p).map_err(|e| {
                Failure::invalid(format!("parameters_json is not valid JSON: {e}"))
            })?),
            None => None,
        };
        r.tools.push((n.into(), d.map(str::to_owned), params));
        Ok(())
    })
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
    with_req(req, |r| {
        r.tool_choice = Some(match choice {
            OPENCLAW_TOOL_CHOICE_AUTO => ToolChoice::Auto,
            OPENCLAW_TOOL_CHOICE_NONE => ToolChoice::None,
            OPENCLAW_TOOL_CHOICE_REQUIRED => ToolChoice::Required,
            // SAFETY: NUL-terminated string.
            OPENCLAW_TOOL_CHOICE_FUNCTION => {
                ToolChoice::Function(unsafe { str_arg(function_name, "function_name") }?.to_owned())
            }
            _ => return Err(Failure::invalid(format!("unknown tool choice {choice}"))),
        });
        Ok(())
    })
}

/// Sets one optional string field of the request by name: `instructions`,
/// `previous_response_id`, `user`, `target` (the `model` agent target), `agent`
/// (`x-openclaw-agent-id`), `session_key`, `channel` or `model_override`; NULL `value` clears
/// it. `OPENCLAW_RESULT_INVALID_ARGUMENT` for an unknown field or a value with CR/LF/NUL where
/// it goes into a header (checked again when sent).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set(
    req: *mut openclaw_responses_request,
    field: *const c_char,
    value: *const c_char,
) -> openclaw_result {
    with_req(req, |r| {
        // SAFETY: NUL-terminated strings (value nullable).
        let (f, v) = unsafe { (str_arg(field, "field")?, opt_str_arg(value, "value")?) };
        let v = v.map(str::to_owned);
        let slot = match f {
            "instructions" => &mut r.instructions,
            "previous_response_id" => &mut r.previous_response_id,
            "user" => &mut r.user,
            "target" => &mut r.target,
            "agent" => &mut r.agent_id,
            "session_key" => &mut r.session_key,
            "channel" => &mut r.channel,
            "model_override" => &mut r.model_override,
            other => {
                return Err(Failure::invalid(format!(
                    "unknown responses request field {other:?}"
                )));
            }
        };
        if let Some(v) = &v
            && !matches!(f, "instructions" | "user" | "previous_response_id")
        {
            crate::chat::validate_header_value(f, v)?;
        }
        *slot = v;
        Ok(())
    })
}

/// Sets `max_output_tokens` (0 clears it).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_max_output_tokens(
    req: *mut openclaw_responses_request,
    max: u32,
) -> openclaw_result {
    with_req(req, |r| {
        r.max_output_tokens = (max > 0).then_some(max);
        Ok(())
    })
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
    with_req(req, |r| {
        r.keep_text = Some(keep);
        Ok(())
    })
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
    with_req(req, |r| {
        r.max_kept_bytes = (max > 0).then_some(max);
        Ok(())
    })
}

/// Overrides the idle (per-read) timeout for calls with this request (ms, 0 = no limit).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_idle_timeout_ms(
    req: *mut openclaw_responses_request,
    ms: u64,
) -> openclaw_result {
    with_req(req, |r| {
        r.options = std::mem::take(&mut r.options)
            .idle_timeout((ms > 0).then(|| Duration::from_millis(ms)));
        Ok(())
    })
}

/// Attaches a cancel token (a reference is kept; the token may be freed first).
///
/// Thread-safety: change a request from one thread at a time; calls may share a finished request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_responses_request_set_cancel_token(
    req: *mut openclaw_responses_request,
    token: *const openclaw_cancel_token,
) -> openclaw_result {
    with_req(req, |r| {
        // SAFETY: a live token or NULL.
        let t = unsafe { handle(token, "token") }?;
        r.options = std::mem::take(&mut r.options).cancel_token(t.token.clone());
        Ok(())
    })
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
        let (c, r) = unsafe { (handle(client, "client")?, handle(req, "req")?) };
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
        // SAFETY: checked non-NULL.
        unsafe { super::give_box(out, result) };
        Ok(())
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
        let (c, r) = unsafe { (handle(client, "client")?, handle(req, "req")?) };
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
        let (c, r) = unsafe { (handle(client, "client")?, handle(req, "req")?) };
        out_arg(out, "out")?;
        let s = openclaw_stream::new(StreamSource::Responses(c.client.responses_stream(&r.req)?));
        // SAFETY: checked non-NULL.
        unsafe { super::give_box(out, s) };
        Ok(())
    })
}

/// The response id (`resp_…`), owned by the response; NULL for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_id(r: *const openclaw_response) -> *const c_char {
    // SAFETY: a live response or NULL.
    super::guard(std::ptr::null(), || {
        unsafe { r.as_ref() }.map_or(std::ptr::null(), |r| r.id.as_ptr())
    })
}

/// The status (`completed` or `incomplete`), owned by the response; NULL for NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_status(r: *const openclaw_response) -> *const c_char {
    // SAFETY: a live response or NULL.
    super::guard(std::ptr::null(), || {
        unsafe { r.as_ref() }.map_or(std::ptr::null(), |r| r.status.as_ptr())
    })
}

/// Why it is incomplete (e.g. `max_output_tokens`), or NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_incomplete_reason(
    r: *const openclaw_response,
) -> *const c_char {
    // SAFETY: a live response or NULL.
    super::guard(std::ptr::null(), || {
        unsafe { r.as_ref() }
            .and_then(|r| r.reason.as_ref())
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// The text of all message items (NUL-terminated; `len_out` nullable), owned by the response.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_output_text(
    r: *const openclaw_response,
    len_out: *mut usize,
) -> *const c_char {
    super::guard(std::ptr::null(), || {
        // SAFETY: a live response or NULL.
        let Some(r) = (unsafe { r.as_ref() }) else {
            return std::ptr::null();
        };
        if !len_out.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { *len_out = r.text_len };
        }
        r.text.as_ptr()
    })
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
    super::guard(false, || {
        // SAFETY: a live response or NULL.
        let Some(u) = unsafe { r.as_ref() }.and_then(|r| r.resp.usage) else {
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

/// Number of function calls to run (0 for NULL).
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_function_call_count(
    r: *const openclaw_response,
) -> usize {
    // SAFETY: a live response or NULL.
    super::guard(0, || unsafe { r.as_ref() }.map_or(0, |r| r.calls.len()))
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
    run(|| {
        // SAFETY: a live response or NULL.
        let r = unsafe { handle(r, "r") }?;
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

/// Frees a response. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_response_free(r: *mut openclaw_response) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { super::free_box(r) }
}
