//! Client builder, client, discovery and token update.

use std::ffi::c_char;

use super::error::{Failure, openclaw_result};
use super::handle::{Handle, handles, new_handle, read, with_ref};
use super::request::ms;
use super::{bytes_arg, give_string, opt_str_arg, out_arg, run, str_arg};
use crate::client::{Client, ClientBuilder, ProxySetting};

/// A client builder (opaque, mutable, single-owner; not thread-safe). Create with
/// `openclaw_client_builder_new`; `openclaw_client_builder_build` consumes it.
pub struct openclaw_client_builder {
    inner: ClientBuilder,
}

/// A client (opaque, immutable, thread-safe). Any number of threads may use one
/// `const openclaw_client *` at once; they share one connection pool. Free it with
/// `openclaw_client_free` after every call using it has returned.
pub struct openclaw_client {
    pub(crate) client: Client,
}

handles! {
    Boxed: openclaw_client_builder;
    Shared: openclaw_client;
}

/// The default bound on one line of an event stream, in bytes (32 MiB; see
/// `openclaw_client_builder_set_max_line_bytes`).
pub const OPENCLAW_DEFAULT_MAX_LINE_BYTES: usize = 32 * 1024 * 1024;
/// The default bound on one event's data, in bytes (64 MiB; see
/// `openclaw_client_builder_set_max_event_bytes`).
pub const OPENCLAW_DEFAULT_MAX_EVENT_BYTES: usize = 64 * 1024 * 1024;
/// The WebSocket protocol version this library speaks (`openclaw_ws_connect`).
pub const OPENCLAW_WS_PROTOCOL_VERSION: u32 = 4;

/// A builder with the defaults: `http://127.0.0.1:18789`, no secret, agent `main`, connect
/// timeout 10 s, response 600 s, idle 300 s, no total limit, verification on, no proxy.
/// NULL only on panic.
///
/// Ownership: the caller owns it: pass it to `openclaw_client_builder_build` (which frees it)
/// or to `openclaw_client_builder_free`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub extern "C" fn openclaw_client_builder_new() -> *mut openclaw_client_builder {
    new_handle(|| openclaw_client_builder {
        inner: ClientBuilder::new(),
    })
}

/// A builder preset by discovery: `OPENCLAW_GATEWAY_URL`, `OPENCLAW_GATEWAY_TOKEN` /
/// `OPENCLAW_GATEWAY_PASSWORD`, `OPENCLAW_GATEWAY_PORT`, then the gateway config file
/// (`OPENCLAW_CONFIG_PATH`, `$OPENCLAW_STATE_DIR/openclaw.json`, `~/.openclaw/openclaw.json`),
/// else `http://127.0.0.1:18789`. Writes `*out` on success.
///
/// Returns `OPENCLAW_RESULT_INVALID_ARGUMENT` when the config file is malformed (the message
/// names the file and line), or is not a regular file of at most 4 MiB (a FIFO, a directory, a
/// device: refused at once, never read). Ownership as `openclaw_client_builder_new`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_new_default(
    out: *mut *mut openclaw_client_builder,
) -> openclaw_result {
    run(|| {
        out_arg(out, "out")?;
        let b = ClientBuilder::from_env()?;
        openclaw_client_builder::give(out, openclaw_client_builder { inner: b })
    })
}

/// A client made by discovery (see `openclaw_client_builder_new_default`) with default
/// settings. Writes `*out` on success; free it with `openclaw_client_free`.
///
/// Thread-safety: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_new_default(
    out: *mut *const openclaw_client,
) -> openclaw_result {
    run(|| {
        out_arg(out, "out")?;
        let c = Client::from_env()?;
        openclaw_client::give(out.cast(), openclaw_client { client: c })
    })
}

fn update(
    b: &mut openclaw_client_builder,
    f: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Result<(), Failure> {
    let cur = std::mem::take(&mut b.inner);
    b.inner = f(cur);
    Ok(())
}

/// Sets the base URL `http[s]://host[:port][/prefix]` (validated at build).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_base_url(
    builder: *mut openclaw_client_builder,
    url: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        {
            // SAFETY: caller passes a NUL-terminated string.
            let url = unsafe { str_arg(url, "url") }?.to_owned();
            update(b, |x| x.base_url(url))
        }
    })
}

/// Sets the gateway token or password (sent as `Authorization: Bearer …`); NULL or `""`
/// removes it. CR/LF/NUL are rejected at build.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_secret(
    builder: *mut openclaw_client_builder,
    secret: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        {
            // SAFETY: caller passes a NUL-terminated string or NULL.
            let s = unsafe { opt_str_arg(secret, "secret") }?
                .unwrap_or("")
                .to_owned();
            update(b, |x| x.secret(s))
        }
    })
}

/// Sets the default agent id (default `main`; `""` = the gateway's default agent).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_agent(
    builder: *mut openclaw_client_builder,
    agent_id: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        {
            // SAFETY: caller passes a NUL-terminated string.
            let a = unsafe { str_arg(agent_id, "agent_id") }?.to_owned();
            update(b, |x| x.agent(a))
        }
    })
}

/// Connect timeout in milliseconds; 0 = no limit (default 10000).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_connect_timeout_ms(
    builder: *mut openclaw_client_builder,
    ms_: u64,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.connect_timeout(ms(ms_)))
    })
}

/// Response-headers timeout in milliseconds; 0 = no limit (default 600000). A non-stream
/// chat waits here for the whole agent turn.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_response_timeout_ms(
    builder: *mut openclaw_client_builder,
    ms_: u64,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.response_timeout(ms(ms_)))
    })
}

/// Idle (per-read) timeout in milliseconds; 0 = no limit (default 300000). The gateway
/// sends nothing while a tool runs: keep it generous.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_idle_timeout_ms(
    builder: *mut openclaw_client_builder,
    ms_: u64,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.idle_timeout(ms(ms_)))
    })
}

/// Total timeout per call in milliseconds; 0 = no limit (the default).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_total_timeout_ms(
    builder: *mut openclaw_client_builder,
    ms_: u64,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.total_timeout(ms(ms_)))
    })
}

/// Trust exactly the CA certificates of this PEM bundle. It **replaces** the built-in
/// Mozilla roots. A bundle with no certificate fails at build with
/// `OPENCLAW_RESULT_INVALID_ARGUMENT`. The bytes are copied.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_ca_pem(
    builder: *mut openclaw_client_builder,
    pem: *const u8,
    len: usize,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        {
            // SAFETY: caller passes `len` readable bytes.
            let p = unsafe { bytes_arg(pem, len, "pem") }?.to_vec();
            update(b, |x| x.ca_bundle_pem(p))
        }
    })
}

/// DANGEROUS: turns TLS certificate verification off (anyone on the path can read the
/// traffic, token included). For throwaway tests only.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_danger_accept_invalid_certs(
    builder: *mut openclaw_client_builder,
    accept: bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.danger_accept_invalid_certs(accept))
    })
}

/// Uses this proxy URL; NULL = no proxy (the default; environment variables are ignored).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_proxy(
    builder: *mut openclaw_client_builder,
    proxy_url: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        {
            // SAFETY: caller passes a NUL-terminated string or NULL.
            let p = unsafe { opt_str_arg(proxy_url, "proxy_url") }?.map(str::to_owned);
            update(b, |x| {
                x.proxy(p.map(ProxySetting::Url).unwrap_or(ProxySetting::None))
            })
        }
    })
}

/// Uses the proxy from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` (never for loopback gateways).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_proxy_from_env(
    builder: *mut openclaw_client_builder,
    on: bool,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        {
            update(b, |x| {
                x.proxy(if on {
                    ProxySetting::FromEnv
                } else {
                    ProxySetting::None
                })
            })
        }
    })
}

/// Sets the `User-Agent`.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_user_agent(
    builder: *mut openclaw_client_builder,
    user_agent: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        {
            // SAFETY: caller passes a NUL-terminated string.
            let ua = unsafe { str_arg(user_agent, "user_agent") }?.to_owned();
            update(b, |x| x.user_agent(ua))
        }
    })
}

/// Maximum bytes in one SSE line (default 32 MiB); exceeding it fails the stream with
/// `OPENCLAW_RESULT_LIMIT_EXCEEDED`.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_max_line_bytes(
    builder: *mut openclaw_client_builder,
    max: usize,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.max_line_bytes(max))
    })
}

/// Maximum bytes of one SSE event's data (default 64 MiB).
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_max_event_bytes(
    builder: *mut openclaw_client_builder,
    max: usize,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.max_event_bytes(max))
    })
}

/// Maximum bytes a stream keeps across events: its text, reasoning and tool calls (default
/// 64 MiB; per request with `openclaw_chat_request_set_max_kept_bytes`). Reaching it ends the
/// stream with `OPENCLAW_RESULT_LIMIT_EXCEEDED` and the kept text in
/// `openclaw_last_error_partial_text`; `openclaw_chat_request_set_keep_text(req, false)` keeps
/// nothing at all.
///
/// Returns `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL builder. The value is copied.
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_max_kept_bytes(
    builder: *mut openclaw_client_builder,
    max: usize,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder from this library or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| x.max_kept_bytes(max))
    })
}

/// Builds the client and writes it to `*out`. **Always consumes the builder**, on success and
/// on failure (do not use or free it afterwards).
///
/// Returns `OPENCLAW_RESULT_INVALID_ARGUMENT` for a bad URL, agent id, secret, proxy or CA
/// bundle (see `openclaw_last_error_message`). Ownership: `*out` belongs to the caller; free it
/// with `openclaw_client_free`. Thread-safety: the client may then be used from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_build(
    builder: *mut openclaw_client_builder,
    out: *mut *const openclaw_client,
) -> openclaw_result {
    run(|| {
        if builder.is_null() {
            return Err(Failure::null_handle(
                "builder",
                openclaw_client_builder::C_NAME,
            ));
        }
        // SAFETY: came from Box::into_raw (a Boxed handle); consumed here in every case.
        let b = unsafe { Box::from_raw(builder) };
        out_arg(out, "out")?;
        let c = b.inner.build()?;
        openclaw_client::give(out.cast(), openclaw_client { client: c })
    })
}

/// Frees a builder that was not built. NULL is accepted.
///
/// Thread-safety: free it once, from one thread, after every use of it (on any thread) has returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_free(builder: *mut openclaw_client_builder) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_client_builder::free(builder) }
}

/// Frees a client. NULL is accepted. Call it only after every call using the client (on every
/// thread) has returned and every pull stream opened from it has been freed… streams keep
/// their own reference, so freeing the client while a stream is open is allowed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_free(client: *const openclaw_client) {
    // SAFETY: a handle from this library or NULL, freed once.
    unsafe { openclaw_client::free(client) }
}

/// Replaces the secret (token or password, as `openclaw_client_builder_set_secret`) for later
/// requests (calls in flight keep the old one). NULL or `""` removes it; CR/LF/NUL give
/// `OPENCLAW_RESULT_INVALID_ARGUMENT`. The string is copied.
///
/// Thread-safety: may run while other threads use the client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_update_secret(
    client: *const openclaw_client,
    secret: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live client or NULL.
        let c = unsafe { openclaw_client::arg(client, "client") }?;
        // SAFETY: NUL-terminated string or NULL.
        let s = unsafe { opt_str_arg(secret, "secret") }?.unwrap_or("");
        c.client.update_secret(s)?;
        Ok(())
    })
}

/// The client's normalized base URL as a new string: free it with `openclaw_string_free`.
/// NULL for a NULL client.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_base_url(client: *const openclaw_client) -> *mut c_char {
    // SAFETY: a live client or NULL.
    unsafe {
        read(client, std::ptr::null_mut(), |c| {
            give_string(c.client.base_url())
        })
    }
}

/// Whether the client has a secret (token or password) set. False for NULL.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_has_secret(client: *const openclaw_client) -> bool {
    // SAFETY: a live client or NULL.
    unsafe { read(client, false, |c| c.client.has_secret()) }
}

/// The client's default agent id (`""` = the gateway's default agent) as a new string: free it
/// with `openclaw_string_free`. NULL for a NULL client.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_agent_id(client: *const openclaw_client) -> *mut c_char {
    // SAFETY: a live client or NULL.
    unsafe {
        read(client, std::ptr::null_mut(), |c| {
            give_string(c.client.agent_id())
        })
    }
}

/// Writes the client's default timeouts in milliseconds (0 = no limit); each out-pointer may be
/// NULL. `OPENCLAW_RESULT_NULL_ARGUMENT` for a NULL client.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_timeouts(
    client: *const openclaw_client,
    connect_ms: *mut u64,
    response_ms: *mut u64,
    idle_ms: *mut u64,
    total_ms: *mut u64,
) -> openclaw_result {
    // SAFETY: a live client or NULL; out-pointers NULL or writable.
    unsafe {
        with_ref(client, "client", |c| {
            let t = c.client.timeouts();
            let ms = |d: Option<std::time::Duration>| {
                d.map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            };
            super::write_each(&[
                (connect_ms, ms(t.connect)),
                (response_ms, ms(t.response)),
                (idle_ms, ms(t.idle)),
                (total_ms, ms(t.total)),
            ]);
            Ok(())
        })
    }
}

/// Where discovery found each setting (URL, port, secret, config file), as text, never
/// containing the secret; `""` for a client not made by discovery. Free the returned string
/// with `openclaw_string_free`; NULL for a NULL client.
///
/// Thread-safety: any thread; the client may be shared by many threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_discovery_text(
    client: *const openclaw_client,
) -> *mut c_char {
    // SAFETY: a live client or NULL.
    unsafe {
        read(client, std::ptr::null_mut(), |c| {
            let text = c.client.discovered().map(|d| d.to_string());
            give_string(&text.unwrap_or_default())
        })
    }
}

/// Sets the webhooks token (`hooks.token`; separate from the gateway token). NULL clears it.
///
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_hooks_token(
    builder: *mut openclaw_client_builder,
    token: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder; NUL-terminated string or NULL.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        let t = unsafe { opt_str_arg(token, "token") }?
            .unwrap_or("")
            .to_owned();
        update(b, |x| x.hooks_token(t))
    })
}

/// Sets the webhooks base path (`hooks.path`, default `/hooks`).
///
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_hooks_path(
    builder: *mut openclaw_client_builder,
    path: *const c_char,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder; NUL-terminated string.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        let p = unsafe { str_arg(path, "path") }?.to_owned();
        update(b, |x| x.hooks_path(p))
    })
}

/// Sets how often a failed call is retried (default 2; 0 turns retries off), keeping the
/// other retry settings. Retried: a connection refused or lost before any byte of the request
/// was written, 429/503 with a `Retry-After` of at most the policy's cap; a request that may
/// have reached the gateway only for reads and for `/hooks/agent` with its idempotency key.
/// Never auth errors, TLS failures, timeouts or a started stream.
///
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_max_retries(
    builder: *mut openclaw_client_builder,
    max_retries: u32,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        update(b, |x| {
            let p = x.retry_policy();
            x.retry(crate::client::RetryPolicy { max_retries, ..p })
        })
    })
}

/// Sets the whole retry policy (see `openclaw_client_builder_set_max_retries` for what is
/// retried): `max_retries` after the first attempt; back-off from `base_delay_ms` doubling up
/// to `max_delay_ms` (each with jitter); a `Retry-After` longer than `max_retry_after_ms` is
/// not waited for (the error is returned). Defaults 2, 250, 4000, 10000. A base delay above
/// the longest delay means every wait is the longest delay.
///
/// Thread-safety: use a builder from one thread at a time.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn openclaw_client_builder_set_retry_policy(
    builder: *mut openclaw_client_builder,
    max_retries: u32,
    base_delay_ms: u64,
    max_delay_ms: u64,
    max_retry_after_ms: u64,
) -> openclaw_result {
    run(|| {
        // SAFETY: a live builder.
        let b = unsafe { openclaw_client_builder::arg_mut(builder, "builder") }?;
        let ms = std::time::Duration::from_millis;
        update(b, |x| {
            x.retry(crate::client::RetryPolicy {
                max_retries,
                base_delay: ms(base_delay_ms),
                max_delay: ms(max_delay_ms),
                max_retry_after: ms(max_retry_after_ms),
            })
        })
    })
}
