//! A client that sends half a request head and then nothing (the
//! slow-header, "Slowloris", attack) has its connection closed once
//! `--header-read-timeout` has passed, instead of holding it for ever
//! (issue 15; the patched Rocket in vendor/rocket, GOVPKI-PATCH.md). A
//! client that sends its head in time is answered as before.

#[macro_use]
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Reads until the server closes the connection (or `limit` passes):
/// what it sent, and when it closed (None: still open at `limit`).
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Option<Duration>) {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("a read timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => {
                return (
                    String::from_utf8_lossy(&got).into(),
                    Some(started.elapsed()),
                )
            }
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            // A reset is a close too.
            Err(_) => {
                return (
                    String::from_utf8_lossy(&got).into(),
                    Some(started.elapsed()),
                )
            }
        }
    }
    (String::from_utf8_lossy(&got).into(), None)
}

both_databases!(a_half_sent_request_head_is_closed, |env| {
    let server = env.serve(&["--header-read-timeout", "2"]);
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .expect("send half a head");
    let (answer, closed) = read_until_closed(&mut slow, Duration::from_secs(15));
    let closed = closed.unwrap_or_else(|| {
        panic!("a half-sent head must not hold the connection for 15 s; got {answer:?}")
    });
    assert!(
        closed >= Duration::from_millis(1500),
        "closed after {closed:?}, before the 2 s the client was given"
    );
    assert!(
        !answer.contains("200 OK"),
        "no answer to a request that never ended: {answer:?}"
    );

    // A client that sends its head in time is served, on a connection that
    // stays usable.
    let mut quick = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    quick
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .expect("send a head");
    let (answer, closed) = read_until_closed(&mut quick, Duration::from_secs(15));
    assert!(closed.is_some(), "Connection: close is honoured");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
});

both_databases!(the_default_also_bounds_the_head, |env| {
    // Without the flag: the default (10 s) applies, not "for ever".
    let server = env.serve(&[]);
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    slow.write_all(b"POST /ocsp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .expect("send half a head");
    let (answer, closed) = read_until_closed(&mut slow, Duration::from_secs(30));
    let closed =
        closed.unwrap_or_else(|| panic!("the default limit must close it; got {answer:?}"));
    assert!(
        closed >= Duration::from_secs(8),
        "closed after {closed:?}: before the default 10 s"
    );
});
