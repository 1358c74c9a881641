//! A scripted mock of the gateway's WebSocket control plane on 127.0.0.1 (tungstenite server
//! side), shared by tests/ws.rs and tests/c_examples.rs (the C++ header's WebSocket classes).

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use openclaw_client::Client;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// One accepted connection, seen from the mock gateway.
pub struct Side {
    pub ws: WebSocket<TcpStream>,
    pub log: Arc<Mutex<Vec<(usize, Value)>>>,
    pub conn: usize,
}

impl Side {
    pub fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).unwrap();
    }
    /// The next request (recorded), or None when the client went away.
    pub fn recv(&mut self) -> Option<Value> {
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap();
                    self.log.lock().unwrap().push((self.conn, v.clone()));
                    return Some(v);
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }
    pub fn reply(&mut self, req: &Value, payload: Value) {
        self.send(json!({"type":"res","id":req["id"],"ok":true,"payload":payload}));
    }
    pub fn fail(&mut self, req: &Value, error: Value) {
        self.send(json!({"type":"res","id":req["id"],"ok":false,"error":error}));
    }
    pub fn event(&mut self, name: &str, seq: u64, payload: Value) {
        self.send(json!({"type":"event","event":name,"seq":seq,"payload":payload}));
    }
    /// Challenge, connect, hello-ok with this policy; returns the connect request.
    pub fn handshake(&mut self, policy: Value) -> Value {
        let req = self.challenge().unwrap();
        self.hello(&req, policy, json!({}), json!({}));
        req
    }
    /// Sends the connect challenge; returns the connect request (None when the client left).
    pub fn challenge(&mut self) -> Option<Value> {
        self.send(json!({"type":"event","event":"connect.challenge","payload":{"nonce":"nonce-1","ts":1795638126871u64}}));
        let req = self.recv()?;
        assert_eq!(req["method"], "connect");
        Some(req)
    }
    /// Answers `req` (a connect request) with hello-ok: this policy, `snapshot`, and `auth`
    /// fields added to role and the requested scopes.
    pub fn hello(&mut self, req: &Value, policy: Value, snapshot: Value, auth: Value) {
        let mut p =
            json!({"maxPayload": 26214400, "maxBufferedBytes": 52428800, "tickIntervalMs": 30000});
        for (k, v) in policy.as_object().unwrap() {
            p[k] = v.clone();
        }
        let mut a = json!({"role":"operator","scopes":req["params"]["scopes"]});
        for (k, v) in auth.as_object().unwrap() {
            a[k] = v.clone();
        }
        self.reply(
            req,
            json!({"type":"hello-ok","protocol":4,"server":{"version":"mock","connId":format!("c{}", self.conn),"bootId":format!("boot-{}", self.conn)},
                   "features":{"methods":["chat.send"],"events":["chat"]},"snapshot":snapshot,"auth":a,"policy":p}),
        );
    }
    /// Answers every request with `{"echo": params}` until the client leaves.
    pub fn echo_all(&mut self) {
        while let Some(r) = self.recv() {
            let p = r["params"].clone();
            self.reply(&r, json!({"echo": p}));
        }
    }
}

pub struct Mock {
    pub url: String,
    pub log: Arc<Mutex<Vec<(usize, Value)>>>,
}

impl Mock {
    pub fn methods(&self, conn: usize) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|(c, _)| *c == conn)
            .map(|(_, v)| v["method"].as_str().unwrap_or("").to_owned())
            .collect()
    }
    pub fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.url)
            .token("mock-token")
            .build()
            .unwrap()
    }
}

/// A mock gateway running `script(connection index, side)` for each accepted connection.
pub fn mock(script: impl Fn(usize, &mut Side) + Send + Sync + 'static) -> Mock {
    super::arm_watchdog();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(script);
    let log2 = log.clone();
    thread::spawn(move || {
        let n = AtomicUsize::new(0);
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let conn = n.fetch_add(1, Ordering::SeqCst);
            let (script, log) = (script.clone(), log2.clone());
            thread::spawn(move || {
                let Ok(ws) = tungstenite::accept(stream) else {
                    return;
                };
                let mut side = Side { ws, log, conn };
                script(conn, &mut side);
            });
        }
    });
    Mock { url, log }
}
