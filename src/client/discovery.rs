//! Default discovery of the gateway, in the order the gateway's own CLI uses.
//!
//! 1. `OPENCLAW_GATEWAY_URL`; the secret from `OPENCLAW_GATEWAY_TOKEN`, else
//!    `OPENCLAW_GATEWAY_PASSWORD`; the port from `OPENCLAW_GATEWAY_PORT`.
//! 2. The gateway's config file (JSON5): `OPENCLAW_CONFIG_PATH`, else
//!    `$OPENCLAW_STATE_DIR/openclaw.json`, else `~/.openclaw/openclaw.json`. Read:
//!    `gateway.remote.url` (when set), `gateway.port`, `gateway.bind`, `gateway.tls.enabled`,
//!    `gateway.auth.mode` with `gateway.auth.token` / `gateway.auth.password` (or
//!    `gateway.remote.token` / `.password` for a remote URL). `${VAR}` values are read from the
//!    environment.
//! 3. Else `http://127.0.0.1:18789` without a secret.
//!
//! The config file must be a regular file of at most 4 MiB; anything else (a FIFO, a directory,
//! a device, a huge file) is refused at once with [`Error::InvalidInput`] naming the file,
//! without blocking on it or reading it.
//!
//! [`Discovered`] records where each setting came from (never the secret itself).

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Client, ClientBuilder};
use crate::error::{Error, Result};

/// The address used when nothing is configured.
pub const DEFAULT_URL: &str = "http://127.0.0.1:18789";

/// Where one setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingSource {
    /// Built-in default.
    Default,
    /// An environment variable.
    Env(&'static str),
    /// Set by the application (builder call or command-line option).
    Explicit,
    /// A key of the config file.
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// The key, e.g. `gateway.port`.
        key: String,
    },
}

impl fmt::Display for SettingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingSource::Default => f.write_str("by default"),
            SettingSource::Env(v) => write!(f, "from the environment variable {v}"),
            SettingSource::Explicit => f.write_str("set by the application"),
            SettingSource::ConfigFile { path, key } => {
                write!(f, "from {} ({key})", path.display())
            }
        }
    }
}

/// The outcome of discovery: the settings and their sources (its `Debug` and `Display` never
/// show the secret, nor the user-info or query values of the URL).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Discovered {
    /// The base URL chosen, as found. A URL with user-info, a query or a fragment fails the
    /// build; `Display` and `Debug` show it with those parts hidden.
    pub url: String,
    /// Where the URL (host/scheme) came from.
    pub url_source: SettingSource,
    /// Where the port came from (when not part of an explicit URL).
    pub port_source: SettingSource,
    /// Where the secret came from; `None` when no secret was found.
    pub secret_source: Option<SettingSource>,
    /// The config file looked at.
    pub config_path: PathBuf,
    /// Whether that file exists.
    pub config_found: bool,
    secret: Option<String>,
}

impl fmt::Debug for Discovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Discovered")
            .field("url", &crate::redact::url(&self.url))
            .field("url_source", &self.url_source)
            .field("port_source", &self.port_source)
            .field("secret_source", &self.secret_source)
            .field("config_path", &self.config_path)
            .field("config_found", &self.config_found)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Discovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "gateway URL: {} (URL {}; port {})",
            crate::redact::url(&self.url),
            self.url_source,
            self.port_source
        )?;
        match &self.secret_source {
            Some(s) => writeln!(f, "secret: set ({s})")?,
            None => writeln!(
                f,
                "secret: none found (set OPENCLAW_GATEWAY_TOKEN or gateway.auth.token)"
            )?,
        }
        write!(
            f,
            "config file: {} ({})",
            self.config_path.display(),
            if self.config_found {
                "found"
            } else {
                "not found"
            }
        )
    }
}

/// The environment as a lookup function (tests pass their own).
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The config file to read, and the variable that chose it.
fn config_path(env: Env<'_>) -> (PathBuf, &'static str) {
    if let Some(p) = env("OPENCLAW_CONFIG_PATH").filter(|s| !s.is_empty()) {
        return (PathBuf::from(p), "OPENCLAW_CONFIG_PATH");
    }
    if let Some(d) = env("OPENCLAW_STATE_DIR").filter(|s| !s.is_empty()) {
        return (Path::new(&d).join("openclaw.json"), "OPENCLAW_STATE_DIR");
    }
    let home = env("HOME").unwrap_or_else(|| ".".into());
    (
        Path::new(&home).join(".openclaw").join("openclaw.json"),
        "HOME",
    )
}

fn get<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

fn resolve_string(v: Option<&Value>, env: Env<'_>) -> Option<String> {
    let s = v?.as_str()?.trim();
    if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        return env(name).filter(|x| !x.is_empty());
    }
    (!s.is_empty()).then(|| s.to_owned())
}

/// The largest config file read: a real one is a few KiB.
pub(crate) const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// What a non-regular file is, for the error message.
fn file_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Reads the config file without ever blocking on it or reading it unbounded: only a regular
/// file (checked before opening, and again on the opened file, which is opened non-blocking
/// so that a FIFO swapped in between cannot block) of at most [`MAX_CONFIG_BYTES`].
/// `Ok(None)` when it does not exist.
fn read_config_text(path: &Path, chosen_by: &str) -> Result<Option<String>> {
    use std::io::Read;
    let shown = path.display();
    let cannot = |e: std::io::Error| {
        Error::invalid(format!(
            "cannot read the gateway config file {shown}: {e}; fix its permissions, or point {chosen_by} elsewhere"
        ))
    };
    let check = |meta: &std::fs::Metadata| {
        if !meta.is_file() {
            return Err(Error::invalid(format!(
                "the gateway config file {shown} is {}, not a regular file: point {chosen_by} at the gateway's openclaw.json",
                file_kind(meta.file_type())
            )));
        }
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(Error::invalid(format!(
                "the gateway config file {shown} is {} bytes, more than the {MAX_CONFIG_BYTES} bytes a gateway config can be: point {chosen_by} at the gateway's openclaw.json",
                meta.len()
            )));
        }
        Ok(())
    };
    match std::fs::metadata(path) {
        Ok(meta) => check(&meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot(e)),
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot(e)),
    };
    check(&file.metadata().map_err(cannot)?)?;
    // The file may grow after the check: read one byte more than the limit to notice.
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(Error::invalid(format!(
            "the gateway config file {shown} grew beyond {MAX_CONFIG_BYTES} bytes while being read: point {chosen_by} at the gateway's openclaw.json"
        )));
    }
    String::from_utf8(bytes).map(Some).map_err(|_| {
        Error::invalid(format!(
            "the gateway config file {shown} is not UTF-8 text: point {chosen_by} at the gateway's openclaw.json"
        ))
    })
}

/// Reads and parses the config file; `Ok(None)` when it does not exist.
fn read_config(path: &Path, chosen_by: &str) -> Result<Option<Value>> {
    let Some(text) = read_config_text(path, chosen_by)? else {
        return Ok(None);
    };
    json5::from_str::<Value>(&text).map(Some).map_err(|e| {
        let json5::Error::Message { msg, location } = &e;
        let at = location
            .as_ref()
            .map(|l| format!(" at line {}, column {}", l.line, l.column))
            .unwrap_or_default();
        Error::invalid(format!(
            "the gateway config file {} is not valid JSON5{at}: {}",
            path.display(),
            msg.lines().last().unwrap_or(msg).trim()
        ))
    })
}

fn http_of(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("ws://") {
        format!("http://{}", &url[5..])
    } else if lower.starts_with("wss://") {
        format!("https://{}", &url[6..])
    } else {
        url.to_owned()
    }
}

/// Runs discovery against an environment.
pub(crate) fn discover(env: Env<'_>) -> Result<Discovered> {
    // Long on purpose (~110 lines): the gateway CLI's precedence order (env URL, token,
    // password, port, then the config file's keys) reads top to bottom in one place.
    let (path, chosen_by) = config_path(env);
    let cfg = read_config(&path, chosen_by)?;
    let config_found = cfg.is_some();
    let cfg = cfg.unwrap_or(Value::Null);
    let src = |key: &str| SettingSource::ConfigFile {
        path: path.clone(),
        key: key.to_owned(),
    };

    // Secret.
    let mut secret = None;
    let mut secret_source = None;
    for var in ["OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"] {
        if let Some(v) = env(var).filter(|s| !s.is_empty()) {
            secret = Some(v);
            secret_source = Some(SettingSource::Env(var));
            break;
        }
    }
    let remote_url = resolve_string(get(&cfg, "gateway.remote.url"), env);
    let env_url = env("OPENCLAW_GATEWAY_URL").filter(|s| !s.is_empty());
    if secret.is_none() {
        let keys: &[&str] = if remote_url.is_some() && env_url.is_none() {
            &["gateway.remote.token", "gateway.remote.password"]
        } else {
            match get(&cfg, "gateway.auth.mode").and_then(Value::as_str) {
                Some("password") => &["gateway.auth.password"],
                Some("token") => &["gateway.auth.token"],
                _ => &["gateway.auth.token", "gateway.auth.password"],
            }
        };
        for k in keys {
            if let Some(v) = resolve_string(get(&cfg, k), env) {
                secret = Some(v);
                secret_source = Some(src(k));
                break;
            }
        }
    }

    // URL.
    if let Some(u) = env_url {
        return Ok(Discovered {
            url: http_of(&u),
            url_source: SettingSource::Env("OPENCLAW_GATEWAY_URL"),
            port_source: SettingSource::Env("OPENCLAW_GATEWAY_URL"),
            secret_source,
            config_path: path,
            config_found,
            secret,
        });
    }
    if let Some(u) = remote_url {
        return Ok(Discovered {
            url: http_of(&u),
            url_source: src("gateway.remote.url"),
            port_source: src("gateway.remote.url"),
            secret_source,
            config_path: path,
            config_found,
            secret,
        });
    }
    let (port, port_source) =
        if let Some(p) = env("OPENCLAW_GATEWAY_PORT").filter(|s| !s.is_empty()) {
            let n: u16 = p.trim().parse().map_err(|_| {
                Error::invalid(format!("OPENCLAW_GATEWAY_PORT={p:?} is not a port number"))
            })?;
            (n, SettingSource::Env("OPENCLAW_GATEWAY_PORT"))
        } else if let Some(p) = get(&cfg, "gateway.port").and_then(Value::as_u64) {
            let n = u16::try_from(p).map_err(|_| {
                Error::invalid(format!(
                    "gateway.port {p} in {} is not a port number",
                    path.display()
                ))
            })?;
            (n, src("gateway.port"))
        } else {
            (18789, SettingSource::Default)
        };
    let tls = get(&cfg, "gateway.tls.enabled").and_then(Value::as_bool) == Some(true);
    let (host, host_source) = match get(&cfg, "gateway.bind").and_then(Value::as_str) {
        None => ("127.0.0.1".to_owned(), SettingSource::Default),
        // Loopback, all interfaces and "auto" are all reachable on 127.0.0.1 from this host.
        Some("loopback" | "lan" | "auto" | "all" | "0.0.0.0" | "tailnet" | "custom") => {
            ("127.0.0.1".to_owned(), src("gateway.bind"))
        }
        Some(h) => (
            if h.contains(':') && !h.starts_with('[') {
                format!("[{h}]")
            } else {
                h.to_owned()
            },
            src("gateway.bind"),
        ),
    };
    let url_source = if tls {
        src("gateway.tls.enabled")
    } else {
        host_source
    };
    Ok(Discovered {
        url: format!("{}://{host}:{port}", if tls { "https" } else { "http" }),
        url_source,
        port_source,
        secret_source,
        config_path: path,
        config_found,
        secret,
    })
}

impl ClientBuilder {
    /// A builder preset by discovery (see the module docs), from the process environment.
    pub fn from_env() -> Result<ClientBuilder> {
        Self::from_env_with(&|k| std::env::var(k).ok())
    }

    pub(crate) fn from_env_with(env: Env<'_>) -> Result<ClientBuilder> {
        let d = discover(env)?;
        let mut b = ClientBuilder::new().base_url(d.url.clone());
        if let Some(s) = &d.secret {
            b = b.secret(s.clone());
        }
        // Set after the URL and secret, so their sources stay those discovery found.
        Ok(b.with_discovery(d))
    }
}

impl Client {
    /// A client configured by discovery: environment, then the gateway's config file, then
    /// `http://127.0.0.1:18789`. [`Client::discovered`] tells where each setting came from.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    fn tmp(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("openclaw-disc-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("openclaw.json");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn default_when_nothing_is_configured() {
        let e = env_of(&[("HOME", "/nonexistent-home")]);
        let d = discover(&e).unwrap();
        assert_eq!(d.url, DEFAULT_URL);
        assert_eq!(d.url_source, SettingSource::Default);
        assert!(d.secret_source.is_none());
        assert!(!d.config_found);
        assert_eq!(
            d.config_path,
            PathBuf::from("/nonexistent-home/.openclaw/openclaw.json")
        );
    }

    #[test]
    fn env_wins_over_config_file() {
        let p = tmp(
            "envwins",
            r#"{ gateway: { port: 1111, auth: { mode: "token", token: "file-tok" } } }"#,
        );
        let e = env_of(&[
            ("OPENCLAW_CONFIG_PATH", p.to_str().unwrap()),
            ("OPENCLAW_GATEWAY_URL", "ws://10.0.0.5:2222"),
            ("OPENCLAW_GATEWAY_TOKEN", "env-tok"),
        ]);
        let d = discover(&e).unwrap();
        assert_eq!(d.url, "http://10.0.0.5:2222");
        assert_eq!(d.secret.as_deref(), Some("env-tok"));
        assert_eq!(
            d.secret_source,
            Some(SettingSource::Env("OPENCLAW_GATEWAY_TOKEN"))
        );
        let shown = d.to_string();
        assert!(!shown.contains("env-tok"), "{shown}");
    }

    #[test]
    fn config_file_json5_port_tls_password() {
        let p = tmp(
            "json5",
            "// comment\n{ gateway: { port: 3333, bind: 'loopback', tls: { enabled: true },\n auth: { mode: 'password', password: '${MY_PW}', token: 'unused' }, }, }",
        );
        let e = env_of(&[
            ("OPENCLAW_CONFIG_PATH", p.to_str().unwrap()),
            ("MY_PW", "pw-from-env"),
        ]);
        let d = discover(&e).unwrap();
        assert_eq!(d.url, "https://127.0.0.1:3333");
        assert_eq!(d.secret.as_deref(), Some("pw-from-env"));
        assert!(
            matches!(&d.secret_source, Some(SettingSource::ConfigFile { key, .. }) if key == "gateway.auth.password")
        );
        assert!(
            matches!(&d.port_source, SettingSource::ConfigFile { key, .. } if key == "gateway.port")
        );
        assert!(!d.to_string().contains("pw-from-env"));
    }

    #[test]
    fn env_port_and_state_dir() {
        let p = tmp("statedir", "{ gateway: { port: 4444 } }");
        let dir = p.parent().unwrap().to_str().unwrap().to_owned();
        let e = env_of(&[
            ("OPENCLAW_STATE_DIR", &dir),
            ("OPENCLAW_GATEWAY_PORT", "5555"),
        ]);
        let d = discover(&e).unwrap();
        assert!(d.config_found);
        assert_eq!(d.url, "http://127.0.0.1:5555");
        assert_eq!(d.port_source, SettingSource::Env("OPENCLAW_GATEWAY_PORT"));
    }

    #[test]
    fn remote_url_with_remote_token() {
        let p = tmp(
            "remote",
            r#"{ gateway: { mode: "remote", remote: { url: "wss://gw.example:443/base", token: "rt" } } }"#,
        );
        let e = env_of(&[("OPENCLAW_CONFIG_PATH", p.to_str().unwrap())]);
        let d = discover(&e).unwrap();
        assert_eq!(d.url, "https://gw.example:443/base");
        assert_eq!(d.secret.as_deref(), Some("rt"));
    }

    /// Runs discovery with `OPENCLAW_CONFIG_PATH = path` on another thread, failing the test
    /// (instead of hanging it) when that takes longer than 5 s.
    fn discover_path_within_5s(path: &Path) -> Result<Discovered> {
        let path = path.to_str().unwrap().to_owned();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let e = env_of(&[("OPENCLAW_CONFIG_PATH", &path)]);
            let _ = tx.send(discover(&e));
        });
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("discovery blocked on the config file")
    }

    fn assert_refused(err: Error, path: &Path, what: &str) {
        let msg = err.to_string();
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
        assert!(
            msg.contains(path.to_str().unwrap()),
            "names the file: {msg}"
        );
        assert!(msg.contains(what), "says what is wrong ({what}): {msg}");
        assert!(msg.contains("OPENCLAW_CONFIG_PATH"), "names the fix: {msg}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_config_is_refused_without_blocking() {
        let dir = tmp("fifo", "{}").parent().unwrap().to_owned();
        let p = dir.join("fifo.json");
        let _ = std::fs::remove_file(&p);
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = discover_path_within_5s(&p).unwrap_err();
        assert_refused(err, &p, "FIFO");
    }

    #[test]
    fn an_oversized_config_is_refused_without_reading_it() {
        let p = tmp("huge", "");
        // Sparse: 300 MB of length, no disk used.
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(300_000_000)
            .unwrap();
        let started = std::time::Instant::now();
        let err = discover_path_within_5s(&p).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_refused(err, &p, "300000000 bytes");
        // The limit is far above any real config: 1 MiB of JSON5 whitespace and comments is read.
        let mut text = String::from("{ gateway: { port: 4321 } }\n");
        text.push_str(&"// padding\n".repeat(100_000));
        let p = tmp("big-but-fine", &text);
        assert!(std::fs::metadata(&p).unwrap().len() > 1024 * 1024);
        let d = discover_path_within_5s(&p).unwrap();
        assert_eq!(d.url, "http://127.0.0.1:4321");
    }

    #[test]
    fn a_directory_config_is_refused() {
        let dir = tmp("dir", "{}").parent().unwrap().join("dir.json");
        std::fs::create_dir_all(&dir).unwrap();
        let err = discover_path_within_5s(&dir).unwrap_err();
        assert_refused(err, &dir, "a directory");
    }

    #[test]
    fn malformed_config_names_file_and_line() {
        let p = tmp("bad", "{\n  gateway: {\n    port: 18789,,\n  }\n}\n");
        let e = env_of(&[("OPENCLAW_CONFIG_PATH", p.to_str().unwrap())]);
        let err = discover(&e).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::InvalidInput(_)));
        assert!(msg.contains(p.to_str().unwrap()), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }
}
