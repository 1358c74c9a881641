//! Models, direct tool calls and probes.

use std::ffi::{CString, c_char};

use super::cancel::openclaw_cancel_token;
use super::client::openclaw_client;
use super::error::{Failure, openclaw_result};
use super::handle::{Handle, handles, read, with_mut};
use super::options::{openclaw_call_options, or_default};
use super::request::{self, Request, Routed, Timeout};
use super::{cstring, give_string, opt_str_arg, out_arg, run, str_arg};
use crate::client::ToolInvocation;
use crate::options::CallOptions;
use crate::validate::RouteField;

/// A list of agent targets from `GET /v1/models` (opaque, owned by the caller, read-only).
pub struct openclaw_model_list {
    ids: Vec<CString>,
}

/// Lists the agent targets (`openclaw`, `openclaw/default`, `openclaw/<agent>`…) into `*out`.
/// `OPENCLAW_RESULT_NOT_ENABLED` when both `/v1` endpoints are off. Free the list with
/// `openclaw_model_list_free`. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_models(
    client: *const openclaw_client,
    out: *mut *mut openclaw_model_list,
) -> openclaw_result {
    // SAFETY: forwarded contract; NULL options.
    run(|| unsafe { models(client, std::ptr::null(), out) })
}

/// `openclaw_models` with per-call options (`opts` NULL = the client's defaults; read during
/// the call only).
///
/// Thread-safety: any thread; `opts` must not be changed by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_models_with(
    client: *const openclaw_client,
    opts: *const openclaw_call_options,
    out: *mut *mut openclaw_model_list,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    run(|| unsafe { models(client, opts, out) })
}

/// The body of `openclaw_models(_with)`.
///
/// # Safety
/// As `openclaw_models_with`.
unsafe fn models(
    client: *const openclaw_client,
    opts: *const openclaw_call_options,
    out: *mut *mut openclaw_model_list,
) -> Result<(), Failure> {
    // SAFETY: a live client or NULL; live options or NULL.
    let (c, o) = unsafe { (openclaw_client::arg(client, "client")?, or_default(opts)) };
    out_arg(out, "out")?;
    let ids = c
        .client
        .models_with(&o)?
        .iter()
        .map(|m| cstring(&m.id))
        .collect();
    openclaw_model_list::give(out, openclaw_model_list { ids })
}

/// One agent target (`GET /v1/models/{id}`, e.g. `openclaw/default`) into `*out`, as a list of
/// one (read it with `openclaw_model_list_id(list, 0)`; free it with `openclaw_model_list_free`).
/// `OPENCLAW_RESULT_NOT_FOUND` for an unknown id, `OPENCLAW_RESULT_INVALID_ARGUMENT` for an
/// empty one. `id` is copied.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_model(
    client: *const openclaw_client,
    id: *const c_char,
    out: *mut *mut openclaw_model_list,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL; a NUL-terminated string.
        let (c, id) = unsafe { (openclaw_client::arg(client, "client")?, str_arg(id, "id")?) };
        out_arg(out, "out")?;
        let m = c.client.model(id)?;
        openclaw_model_list::give(
            out,
            openclaw_model_list {
                ids: vec![cstring(&m.id)],
            },
        )
    })
}

/// Number of models in the list (0 for NULL).
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_model_list_count(list: *const openclaw_model_list) -> usize {
    // SAFETY: a live list or NULL.
    unsafe { read(list, 0, |l| l.ids.len()) }
}

/// Model id `index`, owned by the list; NULL when out of range or `list` is NULL.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_model_list_id(
    list: *const openclaw_model_list,
    index: usize,
) -> *const c_char {
    // SAFETY: a live list or NULL.
    unsafe {
        read(list, std::ptr::null(), |l| {
            l.ids.get(index).map_or(std::ptr::null(), |s| s.as_ptr())
        })
    }
}

/// Frees a model list. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_model_list_free(list: *mut openclaw_model_list) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_model_list::free(list) }
}

/// A direct tool call for `POST /tools/invoke` (opaque, mutable, single-owner).
pub struct openclaw_tool_call {
    call: ToolInvocation,
}

handles! {
    Boxed: openclaw_model_list, openclaw_tool_call, openclaw_embeddings;
}

impl Request for openclaw_tool_call {
    fn options(&mut self) -> &mut CallOptions {
        &mut self.call.options
    }
}

impl Routed for openclaw_tool_call {
    fn route(&mut self, field: RouteField) -> Option<&mut Option<String>> {
        let c = &mut self.call;
        match field {
            RouteField::Agent => Some(&mut c.agent_id),
            RouteField::SessionKey => Some(&mut c.session_key),
            RouteField::Channel => Some(&mut c.channel),
            RouteField::Target | RouteField::ModelOverride => None,
        }
    }
    fn headers(&mut self) -> Option<&mut Vec<(String, String)>> {
        None
    }
}

/// A new tool call of `tool` with `args_json` (a JSON object; NULL = `{}`), written to `*out`.
/// `OPENCLAW_RESULT_INVALID_ARGUMENT` when `args_json` is not a JSON object. Free with
/// `openclaw_tool_call_free`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_new(
    tool: *const c_char,
    args_json: *const c_char,
    out: *mut *mut openclaw_tool_call,
) -> openclaw_result {
    run(|| {
        // SAFETY: NUL-terminated strings or NULL.
        let (t, a) = unsafe { (str_arg(tool, "tool")?, opt_str_arg(args_json, "args_json")?) };
        out_arg(out, "out")?;
        let args: serde_json::Value = match a {
            Some(a) => serde_json::from_str(a)
                .map_err(|e| Failure::invalid(format!("args_json is not valid JSON: {e}")))?,
            None => serde_json::json!({}),
        };
        if !args.is_object() {
            return Err(Failure::invalid("args_json must be a JSON object"));
        }
        openclaw_tool_call::give(
            out,
            openclaw_tool_call {
                call: ToolInvocation::new(t, args),
            },
        )
    })
}

/// Sets `action` (copied into `args.action` when the tool has one).
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_action(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_mut(call, "call", |c| {
            c.call.action = checked_value(opt_str_arg(value, "value")?, "action")?;
            Ok(())
        })
    }
}
/// Sets `sessionKey` (omitted or `main`: the agent's main session).
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_session_key(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(call, RouteField::SessionKey, value) }
}
/// Sets `agentId`.
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_agent(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(call, RouteField::Agent, value) }
}
/// Sets `idempotencyKey`.
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_idempotency_key(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_mut(call, "call", |c| {
            c.call.idempotency_key =
                checked_value(opt_str_arg(value, "value")?, "idempotency_key")?;
            Ok(())
        })
    }
}
/// Sets `x-openclaw-message-channel`.
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_channel(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe { request::set_route(call, RouteField::Channel, value) }
}
/// Sets `x-openclaw-account-id`.
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_account_id(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_mut(call, "call", |c| {
            c.call.account_id = checked_value(opt_str_arg(value, "value")?, "account_id")?;
            Ok(())
        })
    }
}
/// Sets `x-openclaw-message-to`.
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_message_to(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_mut(call, "call", |c| {
            c.call.message_to = checked_value(opt_str_arg(value, "value")?, "message_to")?;
            Ok(())
        })
    }
}
/// Sets `x-openclaw-thread-id`.
///
/// NULL clears it. The string is copied. One thread at a time per tool call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_thread_id(
    call: *mut openclaw_tool_call,
    value: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a NUL-terminated string or NULL.
    unsafe {
        with_mut(call, "call", |c| {
            c.call.thread_id = checked_value(opt_str_arg(value, "value")?, "thread_id")?;
            Ok(())
        })
    }
}

fn checked_value(v: Option<&str>, what: &str) -> Result<Option<String>, Failure> {
    if let Some(v) = v {
        crate::chat::validate_header_value(what, v)?;
    }
    Ok(v.map(str::to_owned))
}

/// Overrides the connect timeout for this tool call (ms, 0 = no limit).
///
/// Thread-safety: change a tool call from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_connect_timeout_ms(
    call: *mut openclaw_tool_call,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL.
    unsafe { request::set_timeout(call, Timeout::Connect, ms) }
}

/// Overrides the response-headers timeout for this tool call (ms, 0 = no limit).
///
/// Thread-safety: change a tool call from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_response_timeout_ms(
    call: *mut openclaw_tool_call,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL.
    unsafe { request::set_timeout(call, Timeout::Response, ms) }
}

/// Overrides the idle (per-read) timeout for this tool call (ms, 0 = no limit).
///
/// Thread-safety: change a tool call from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_idle_timeout_ms(
    call: *mut openclaw_tool_call,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL.
    unsafe { request::set_timeout(call, Timeout::Idle, ms) }
}

/// Overrides the total timeout for this tool call (ms, 0 = no limit).
///
/// Thread-safety: change a tool call from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_total_timeout_ms(
    call: *mut openclaw_tool_call,
    ms: u64,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL.
    unsafe { request::set_timeout(call, Timeout::Total, ms) }
}

/// Sends a W3C trace context with the calls of this request: `traceparent` (e.g.
/// `00-<32 hex>-<16 hex>-01`) and, when not NULL, `tracestate`. NULL `traceparent` clears it;
/// without one each call sends a fresh `traceparent` (read it back from a pull stream with
/// `openclaw_stream_traceparent`). A malformed value gives `OPENCLAW_RESULT_INVALID_ARGUMENT`.
///
/// Inputs are copied. Thread-safety: one thread at a time per request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_trace_context(
    call: *mut openclaw_tool_call,
    traceparent: *const c_char,
    tracestate: *const c_char,
) -> openclaw_result {
    // SAFETY: a live request or NULL; NUL-terminated strings or NULL.
    unsafe { request::set_trace(call, traceparent, tracestate) }
}

/// Turns the client's retry policy off (`no_retry` true) or back on for this tool call.
///
/// Thread-safety: change a tool call from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_no_retry(
    call: *mut openclaw_tool_call,
    no_retry: bool,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL.
    unsafe { request::set_no_retry(call, no_retry) }
}

/// Sets `sessionKey` to `agent:<agent_id>:<key>`, checked when set. Strings are copied.
///
/// Thread-safety: change a tool call from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_agent_session_key(
    call: *mut openclaw_tool_call,
    agent_id: *const c_char,
    key: *const c_char,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; NUL-terminated strings.
    unsafe { request::set_agent_session_key(call, agent_id, key) }
}

/// Attaches a cancel token to the tool call (a reference is kept).
///
/// Thread-safety: change a tool call from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_set_cancel_token(
    call: *mut openclaw_tool_call,
    token: *const openclaw_cancel_token,
) -> openclaw_result {
    // SAFETY: a live tool call or NULL; a live token or NULL.
    unsafe { request::set_cancel(call, token) }
}

/// Frees a tool call. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_call_free(call: *mut openclaw_tool_call) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_tool_call::free(call) }
}

/// Invokes the tool and writes its `result` as JSON text to `*result_json_out` (free with
/// `openclaw_string_free`). Errors: `OPENCLAW_RESULT_API_ERROR` (400 invalid request / tool
/// error, 413, 500), `OPENCLAW_RESULT_FORBIDDEN` (blocked; `openclaw_last_error_type` gives
/// `tool_call_blocked`), `OPENCLAW_RESULT_NOT_FOUND` (tool not available: denied and unknown
/// look the same), `OPENCLAW_RESULT_RATE_LIMITED`. Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_tool_invoke(
    client: *const openclaw_client,
    call: *const openclaw_tool_call,
    result_json_out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live handles or NULL.
        let (c, t) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                openclaw_tool_call::arg(call, "call")?,
            )
        };
        out_arg(result_json_out, "result_json_out")?;
        let v = c.client.invoke_tool(&t.call)?;
        // SAFETY: checked non-NULL.
        unsafe { *result_json_out = give_string(v.get()) };
        Ok(())
    })
}

/// `GET /health`: writes true to `*live_out` when the gateway reports itself live.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_health(
    client: *const openclaw_client,
    live_out: *mut bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        out_arg(live_out, "live_out")?;
        let h = c.client.health()?;
        // SAFETY: checked non-NULL.
        unsafe { *live_out = h.ok };
        Ok(())
    })
}

/// `GET /readyz`: writes readiness to `*ready_out` (a gateway that is not ready is
/// `OPENCLAW_RESULT_OK` with false) and, when `failing_out` is not NULL, the failing checks as
/// a comma-separated string (free with `openclaw_string_free`).
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_ready(
    client: *const openclaw_client,
    ready_out: *mut bool,
    failing_out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        out_arg(ready_out, "ready_out")?;
        let r = c.client.ready()?;
        // SAFETY: checked non-NULL.
        unsafe { *ready_out = r.ready };
        if !failing_out.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { *failing_out = give_string(&r.failing.join(",")) };
        }
        Ok(())
    })
}

/// `GET /startupz`: writes the status (`started`, `starting`, `draining`) to `*status_out` and
/// the gateway version (or NULL when the gateway does not report one) to `*version_out`. Both
/// strings are freed with `openclaw_string_free`; either out-pointer may be NULL.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_startup(
    client: *const openclaw_client,
    status_out: *mut *mut c_char,
    version_out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        let s = c.client.startup()?;
        if !status_out.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { *status_out = give_string(&s.status) };
        }
        if !version_out.is_null() {
            let v = s
                .version
                .as_deref()
                .map_or(std::ptr::null_mut(), give_string);
            // SAFETY: checked non-NULL.
            unsafe { *version_out = v };
        }
        Ok(())
    })
}

/// The old liveness check: writes true when `/health` answers below 500, false for 5xx.
/// Transport failures are errors.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_check_alive(
    client: *const openclaw_client,
    alive_out: *mut bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        out_arg(alive_out, "alive_out")?;
        let a = c.client.check_alive()?;
        // SAFETY: checked non-NULL.
        unsafe { *alive_out = a };
        Ok(())
    })
}

/// Embedding vectors (opaque, owned by the caller, read-only).
pub struct openclaw_embeddings {
    vectors: Vec<Vec<f32>>,
}

/// Embeds `count` NUL-terminated `inputs` (`POST /v1/embeddings`) into `*out` (free with
/// `openclaw_embeddings_free`). `model_override` (nullable) sets `x-openclaw-model`; `base64`
/// asks for the compact wire encoding (the result is f32 either way).
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_embeddings_create(
    client: *const openclaw_client,
    inputs: *const *const c_char,
    count: usize,
    model_override: *const c_char,
    base64: bool,
    out: *mut *mut openclaw_embeddings,
) -> openclaw_result {
    // SAFETY: forwarded contract; NULL options.
    run(|| unsafe {
        embeddings(
            client,
            inputs,
            count,
            model_override,
            base64,
            std::ptr::null(),
            out,
        )
    })
}

/// `openclaw_embeddings_create` with per-call options (`opts` NULL = the client's defaults;
/// read during the call only).
///
/// Thread-safety: any thread; `opts` must not be changed by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_embeddings_create_with(
    client: *const openclaw_client,
    inputs: *const *const c_char,
    count: usize,
    model_override: *const c_char,
    base64: bool,
    opts: *const openclaw_call_options,
    out: *mut *mut openclaw_embeddings,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    run(|| unsafe { embeddings(client, inputs, count, model_override, base64, opts, out) })
}

/// The body of `openclaw_embeddings_create(_with)`.
///
/// # Safety
/// As `openclaw_embeddings_create_with`.
unsafe fn embeddings(
    client: *const openclaw_client,
    inputs: *const *const c_char,
    count: usize,
    model_override: *const c_char,
    base64: bool,
    opts: *const openclaw_call_options,
    out: *mut *mut openclaw_embeddings,
) -> Result<(), Failure> {
    // SAFETY: a live client or NULL.
    let c = unsafe { openclaw_client::arg(client, "client") }?;
    out_arg(out, "out")?;
    if inputs.is_null() && count > 0 {
        return Err(Failure::null("inputs"));
    }
    let mut texts = Vec::with_capacity(count);
    for i in 0..count {
        // SAFETY: the caller passes `count` string pointers.
        texts.push(unsafe { str_arg(*inputs.add(i), "inputs[i]") }?.to_owned());
    }
    let mut req = crate::client::EmbeddingsRequest::new(texts).base64(base64);
    // SAFETY: live options or NULL.
    req.options = unsafe { or_default(opts) };
    // SAFETY: NUL-terminated string or NULL.
    if let Some(m) = unsafe { opt_str_arg(model_override, "model_override") }? {
        req = req.model_override(m);
    }
    let e = c.client.embeddings(&req)?;
    openclaw_embeddings::give(out, openclaw_embeddings { vectors: e.vectors })
}

/// Number of vectors (0 for NULL).
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_embeddings_count(e: *const openclaw_embeddings) -> usize {
    // SAFETY: a live result or NULL.
    unsafe { read(e, 0, |e| e.vectors.len()) }
}

/// Vector `index` (owned by the result) with its length in `*dims_out` (nullable); NULL when
/// out of range.
///
/// Thread-safety: read-only, any thread, as long as no thread frees it meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_embeddings_vector(
    e: *const openclaw_embeddings,
    index: usize,
    dims_out: *mut usize,
) -> *const f32 {
    super::guard(std::ptr::null(), || {
        // SAFETY: a live result or NULL.
        let Some(v) = unsafe { e.as_ref() }.and_then(|e| e.vectors.get(index)) else {
            return std::ptr::null();
        };
        if !dims_out.is_null() {
            // SAFETY: checked non-NULL.
            unsafe { *dims_out = v.len() };
        }
        v.as_ptr()
    })
}

/// Frees embeddings. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_embeddings_free(e: *mut openclaw_embeddings) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_embeddings::free(e) }
}

/// `POST /hooks/wake` with the client's hooks token (`openclaw_client_builder_set_hooks_token`).
/// `mode` (`now`/`next-heartbeat`) and `agent_id` may be NULL. Writes the outcome (`queued` or
/// `coalesced`) to `*outcome_out` when not NULL (free with `openclaw_string_free`).
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_hook_wake(
    client: *const openclaw_client,
    text: *const c_char,
    mode: *const c_char,
    agent_id: *const c_char,
    outcome_out: *mut *mut c_char,
) -> openclaw_result {
    // SAFETY: forwarded contract; no session key, NULL options.
    run(|| unsafe {
        hook_wake(
            client,
            text,
            mode,
            agent_id,
            std::ptr::null(),
            std::ptr::null(),
            outcome_out,
        )
    })
}

/// `openclaw_hook_wake` with a session key (nullable: the wake goes to the agent's main
/// session) and per-call options (`opts` NULL = the client's defaults; read during the call
/// only).
///
/// Thread-safety: any thread; `opts` must not be changed by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_hook_wake_with(
    client: *const openclaw_client,
    text: *const c_char,
    mode: *const c_char,
    agent_id: *const c_char,
    session_key: *const c_char,
    opts: *const openclaw_call_options,
    outcome_out: *mut *mut c_char,
) -> openclaw_result {
    // SAFETY: forwarded contract.
    run(|| unsafe { hook_wake(client, text, mode, agent_id, session_key, opts, outcome_out) })
}

/// The body of `openclaw_hook_wake(_with)`.
///
/// # Safety
/// As `openclaw_hook_wake_with`.
unsafe fn hook_wake(
    client: *const openclaw_client,
    text: *const c_char,
    mode: *const c_char,
    agent_id: *const c_char,
    session_key: *const c_char,
    opts: *const openclaw_call_options,
    outcome_out: *mut *mut c_char,
) -> Result<(), Failure> {
    // SAFETY: live client; NUL-terminated strings (mode, agent_id, session_key nullable).
    let c = unsafe { openclaw_client::arg(client, "client") }?;
    let (t, m, a, k) = unsafe {
        (
            str_arg(text, "text")?,
            opt_str_arg(mode, "mode")?,
            opt_str_arg(agent_id, "agent_id")?,
            opt_str_arg(session_key, "session_key")?,
        )
    };
    let w = c.client.hook_wake(&crate::client::WakeRequest {
        text: t.into(),
        mode: m.map(str::to_owned),
        agent_id: a.map(str::to_owned),
        session_key: k.map(str::to_owned),
        // SAFETY: live options or NULL.
        options: unsafe { or_default(opts) },
    })?;
    if !outcome_out.is_null() {
        // SAFETY: checked non-NULL.
        unsafe { *outcome_out = give_string(&w.event_outcome) };
    }
    Ok(())
}

/// `POST /hooks/agent`: runs an agent turn from a webhook. `agent_id` and `idempotency_key`
/// may be NULL. Writes the run id to `*run_id_out`, and with `wait_for_completion` the
/// completion JSON to `*completion_json_out` when not NULL (both freed with
/// `openclaw_string_free`; the completion is `"null"` when absent).
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_hook_agent(
    client: *const openclaw_client,
    message: *const c_char,
    agent_id: *const c_char,
    idempotency_key: *const c_char,
    wait_for_completion: bool,
    run_id_out: *mut *mut c_char,
    completion_json_out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live client; NUL-terminated strings (agent_id, idempotency_key nullable).
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        out_arg(run_id_out, "run_id_out")?;
        let (m, a, k) = unsafe {
            (
                str_arg(message, "message")?,
                opt_str_arg(agent_id, "agent_id")?,
                opt_str_arg(idempotency_key, "idempotency_key")?,
            )
        };
        let mut req = crate::client::HookAgentRequest::new(m);
        req.agent_id = a.map(str::to_owned);
        req.idempotency_key = k.map(str::to_owned);
        req.wait_for_completion = wait_for_completion;
        let r = c.client.hook_agent(&req)?;
        give_hook_agent(&r, run_id_out, completion_json_out);
        Ok(())
    })
}

/// `POST /hooks/agent` from a request as JSON: every field the endpoint takes (`{"message",
/// "name", "agentId", "sessionKey", "sessionMode", "wakeMode", "deliver", "channel", "to",
/// "accountId", "model", "timeoutSeconds", "waitForCompletion"}`) plus `"idempotencyKey"`;
/// an unknown field or a wrong type is `OPENCLAW_RESULT_INVALID_ARGUMENT` naming it. `opts`
/// (nullable = the client's defaults) gives the per-call options. Outputs as
/// `openclaw_hook_agent` (`completion_json_out` nullable).
///
/// Ownership: inputs are copied; outputs belong to the caller (free with
/// `openclaw_string_free`). Thread-safety: any thread; `opts` must not be changed by another
/// thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_hook_agent_json(
    client: *const openclaw_client,
    request_json: *const c_char,
    opts: *const openclaw_call_options,
    run_id_out: *mut *mut c_char,
    completion_json_out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: live client; NUL-terminated string; live options or NULL.
        let (c, j, o) = unsafe {
            (
                openclaw_client::arg(client, "client")?,
                str_arg(request_json, "request_json")?,
                or_default(opts),
            )
        };
        out_arg(run_id_out, "run_id_out")?;
        let mut req = crate::client::HookAgentRequest::from_json(j)?;
        req.options = o;
        let r = c.client.hook_agent(&req)?;
        give_hook_agent(&r, run_id_out, completion_json_out);
        Ok(())
    })
}

fn give_hook_agent(
    r: &crate::client::HookAgentResult,
    run_id_out: *mut *mut c_char,
    completion_json_out: *mut *mut c_char,
) {
    // SAFETY: checked non-NULL by the caller.
    unsafe { *run_id_out = give_string(&r.run_id) };
    if !completion_json_out.is_null() {
        let j = r
            .completion
            .as_ref()
            .map_or_else(|| "null".into(), |v| v.to_string());
        // SAFETY: checked non-NULL.
        unsafe { *completion_json_out = give_string(&j) };
    }
}

/// A session's history as JSON (`GET /sessions/{key}/history`) into `*json_out` (free with
/// `openclaw_string_free`). `limit` 0 = the gateway's default; `cursor` (nullable) continues
/// from the cursor a previous page returned (its `nextCursor`). Unknown sessions give
/// `OPENCLAW_RESULT_NOT_FOUND`. Strings are copied; nothing is kept after the call.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_session_history(
    client: *const openclaw_client,
    session_key: *const c_char,
    limit: u32,
    cursor: *const c_char,
    json_out: *mut *mut c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL; NUL-terminated strings (cursor nullable).
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        let (k, cur) = unsafe {
            (
                str_arg(session_key, "session_key")?,
                opt_str_arg(cursor, "cursor")?,
            )
        };
        out_arg(json_out, "json_out")?;
        let v = c
            .client
            .session_history(k, (limit > 0).then_some(limit), cur)?;
        // SAFETY: checked non-NULL.
        unsafe { *json_out = give_string(v.get()) };
        Ok(())
    })
}

/// What the gateway supports, detected once and cached on the client (no agent run): writes
/// the version (or NULL when unknown; free with `openclaw_string_free`) and, for chat
/// completions and responses, 1 enabled / 0 disabled / -1 unknown. Every out-pointer may be
/// NULL. Unreachable, TLS and auth failures are errors.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_capabilities(
    client: *const openclaw_client,
    version_out: *mut *mut c_char,
    chat_out: *mut i32,
    responses_out: *mut i32,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        write_capabilities(
            &c.client.capabilities()?,
            version_out,
            chat_out,
            responses_out,
        );
        Ok(())
    })
}

/// Detects what the gateway supports again, replacing the cached answer (see
/// `openclaw_capabilities` for the out-parameters, all nullable).
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_refresh_capabilities(
    client: *const openclaw_client,
    version_out: *mut *mut c_char,
    chat_out: *mut i32,
    responses_out: *mut i32,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        write_capabilities(
            &c.client.refresh_capabilities()?,
            version_out,
            chat_out,
            responses_out,
        );
        Ok(())
    })
}

fn write_capabilities(
    caps: &crate::client::Capabilities,
    version_out: *mut *mut c_char,
    chat_out: *mut i32,
    responses_out: *mut i32,
) {
    let tri = |x: Option<bool>| x.map_or(-1, i32::from);
    if !version_out.is_null() {
        // SAFETY: checked non-NULL; the caller passes writable memory.
        unsafe {
            *version_out = caps
                .version
                .as_deref()
                .map_or(std::ptr::null_mut(), give_string)
        };
    }
    super::write_each(&[
        (chat_out, tri(caps.chat_completions)),
        (responses_out, tri(caps.responses)),
    ]);
}

fn history_options(
    token: *const openclaw_cancel_token,
    idle_timeout_ms: u64,
) -> crate::client::CallOptions {
    let mut o = crate::client::CallOptions::new().idle_timeout(
        (idle_timeout_ms > 0).then(|| std::time::Duration::from_millis(idle_timeout_ms)),
    );
    // SAFETY: a live token or NULL.
    if let Some(t) = unsafe { token.as_ref() } {
        o = o.cancel_token(t.token.clone());
    }
    o
}

/// Follows a session's history live (`Accept: text/event-stream`), calling `callback` on this
/// thread with one HISTORY event per SSE event (`event_type` `history` first, then `message`;
/// `text` = the JSON payload). Runs until the gateway closes the stream (`OPENCLAW_RESULT_OK`),
/// the callback returns non-zero or `token` (nullable) is cancelled (`OPENCLAW_RESULT_CANCELLED`),
/// or an error. `idle_timeout_ms`: 0 = no limit (the gateway sends a keep-alive every 15 s).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_session_history_stream(
    client: *const openclaw_client,
    session_key: *const c_char,
    token: *const openclaw_cancel_token,
    idle_timeout_ms: u64,
    callback: super::stream::openclaw_event_callback,
    userdata: *mut std::ffi::c_void,
) -> openclaw_result {
    run(|| {
        // SAFETY: live client; NUL-terminated string.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        let k = unsafe { str_arg(session_key, "session_key") }?;
        let Some(cb) = callback else {
            return Err(Failure::null("callback"));
        };
        let s = c
            .client
            .session_history_stream(k, &history_options(token, idle_timeout_ms))?;
        super::stream::openclaw_stream::new(super::stream::StreamSource::History(s))
            .run_callback(cb, userdata)
    })
}

/// Opens a session history pull stream (see `openclaw_session_history_stream`; read with
/// `openclaw_stream_next`, free with `openclaw_stream_free`).
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_session_history_stream_open(
    client: *const openclaw_client,
    session_key: *const c_char,
    token: *const openclaw_cancel_token,
    idle_timeout_ms: u64,
    out: *mut *mut super::stream::openclaw_stream,
) -> openclaw_result {
    run(|| {
        // SAFETY: live client; NUL-terminated string.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        let k = unsafe { str_arg(session_key, "session_key") }?;
        out_arg(out, "out")?;
        let s = c
            .client
            .session_history_stream(k, &history_options(token, idle_timeout_ms))?;
        let s = super::stream::openclaw_stream::new(super::stream::StreamSource::History(s));
        super::stream::openclaw_stream::give(out, s)
    })
}
