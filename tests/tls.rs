//! TLS against a rustls server on 127.0.0.1 with certificates generated in the test (rcgen).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;

use openclaw_client::{Client, DiagnosisCode, Error, ErrorKind};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

struct Pki {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn ca_params(key_usage: bool) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, "Test CA");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    if key_usage {
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
    }
    p
}

/// A CA and a leaf for `names`, optionally expired.
fn pki(names: &[&str], expired: bool, ca_key_usage: bool) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let ca_p = ca_params(ca_key_usage);
    let ca_cert = ca_p.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_p, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut lp =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    lp.distinguished_name.push(DnType::CommonName, names[0]);
    if expired {
        lp.not_before = date_time_ymd(2020, 1, 1);
        lp.not_after = date_time_ymd(2021, 1, 1);
    }
    let leaf = lp.signed_by(&leaf_key, &issuer).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        chain: vec![leaf.der().clone(), ca_cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    }
}

/// A self-signed certificate that is also a CA (what some Home Assistant add-ons generate).
fn self_signed_ca_as_leaf(key_usage: bool) -> Pki {
    let key = KeyPair::generate().unwrap();
    let mut p = ca_params(key_usage);
    p.subject_alt_names = vec![rcgen::SanType::IpAddress("127.0.0.1".parse().unwrap())];
    let cert = p.self_signed(&key).unwrap();
    Pki {
        ca_pem: cert.pem(),
        chain: vec![cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// A client trusting exactly `ca_pem`.
fn trusting(url: &str, ca_pem: String) -> Client {
    Client::builder()
        .base_url(url)
        .ca_bundle_pem(ca_pem)
        .build()
        .unwrap()
}

/// Serves `/health` over TLS; returns the https base URL.
fn serve(pki: &Pki) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(pki.chain.clone(), pki.key.clone_key())
        .unwrap();
    let cfg = Arc::new(cfg);
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    thread::spawn(move || {
        for tcp in l.incoming() {
            let Ok(tcp) = tcp else { continue };
            let cfg = cfg.clone();
            thread::spawn(move || {
                let conn = rustls::ServerConnection::new(cfg).unwrap();
                let mut s = rustls::StreamOwned::new(conn, tcp);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = r#"{"ok":true,"status":"live"}"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                s.conn.send_close_notify();
                let _ = s.flush();
            });
        }
    });
    format!("https://127.0.0.1:{port}")
}

#[test]
fn self_signed_is_refused_by_default_with_a_hint() {
    let p = pki(&["127.0.0.1", "localhost"], false, true);
    let url = serve(&p);
    let err = Client::builder()
        .base_url(&url)
        .build()
        .unwrap()
        .health()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("self-signed") && msg.contains("ca_bundle_pem"),
        "{msg}"
    );
    let d = Client::builder()
        .base_url(&url)
        .build()
        .unwrap()
        .check_connection();
    assert_eq!(d.code, DiagnosisCode::Tls, "{d}");
}

#[test]
fn accepted_with_its_ca_bundle() {
    let p = pki(&["127.0.0.1", "localhost"], false, true);
    let url = serve(&p);
    let c = trusting(&url, p.ca_pem.clone());
    assert_eq!(c.health().unwrap().status, "live");
    // By host name too.
    let c = trusting(&url.replace("127.0.0.1", "localhost"), p.ca_pem);
    assert_eq!(c.health().unwrap().status, "live");
}

#[test]
fn accepted_with_verification_off() {
    let p = pki(&["other.example"], true, true);
    let url = serve(&p);
    let c = Client::builder()
        .base_url(&url)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    assert_eq!(c.health().unwrap().status, "live");
}

#[test]
fn hostname_mismatch_is_refused() {
    let p = pki(&["gateway.example"], false, true);
    let url = serve(&p);
    let err = trusting(&url, p.ca_pem).health().unwrap_err();
    assert!(
        matches!(&err, Error::Tls { message, .. } if message.to_lowercase().contains("not valid for name")),
        "{err:?}"
    );
}

#[test]
fn expired_certificate_is_refused() {
    let p = pki(&["127.0.0.1"], true, true);
    let url = serve(&p);
    let err = trusting(&url, p.ca_pem).health().unwrap_err();
    assert!(
        matches!(&err, Error::Tls { message, .. } if message.to_lowercase().contains("expired")),
        "{err:?}"
    );
}

/// A CA without keyUsage signing a normal leaf: accepted (keyUsage is optional for webpki).
#[test]
fn ca_without_key_usage_signing_a_leaf_is_accepted() {
    let p = pki(&["127.0.0.1"], false, false);
    let url = serve(&p);
    let c = trusting(&url, p.ca_pem);
    assert_eq!(c.health().unwrap().status, "live");
}

/// A self-signed CA certificate served as the server's own certificate (what some Home
/// Assistant add-ons generate): webpki refuses a CA certificate in the end-entity position
/// even when it is the trusted root, so the client reports TLS with the reason. The fix is a
/// leaf certificate signed by that CA, or (for tests only) verification off.
#[test]
fn self_signed_ca_used_as_server_certificate_is_refused_with_the_reason() {
    for key_usage in [false, true] {
        let p = self_signed_ca_as_leaf(key_usage);
        let url = serve(&p);
        let err = trusting(&url, p.ca_pem.clone()).health().unwrap_err();
        assert!(
            matches!(&err, Error::Tls { message, .. } if message.contains("CaUsedAsEndEntity")),
            "keyUsage {key_usage}: {err:?}"
        );
        let c = Client::builder()
            .base_url(&url)
            .danger_accept_invalid_certs(true)
            .build()
            .unwrap();
        assert_eq!(c.health().unwrap().status, "live");
    }
}
