//! `crmpol lsp` as a process: the stdio transport, bad input on it, and
//! the exit statuses the protocol asks for.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

fn start() -> (Child, ChildStdin, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crmpol"))
        .args(["lsp", "--stdio"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crmpol lsp starts");
    let stdin = child.stdin.take().expect("stdin");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    (child, stdin, stdout)
}

fn send_raw(stdin: &mut ChildStdin, body: &[u8]) {
    write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
    stdin.write_all(body).expect("write");
    stdin.flush().expect("flush");
}

fn send(stdin: &mut ChildStdin, message: Value) {
    send_raw(stdin, message.to_string().as_bytes());
}

fn receive(stdout: &mut BufReader<ChildStdout>) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("a header");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).expect("a body");
    serde_json::from_slice(&body).expect("JSON")
}

fn initialize(stdin: &mut ChildStdin, stdout: &mut BufReader<ChildStdout>) {
    send(
        stdin,
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "processId": null, "capabilities": {} } }),
    );
    let response = receive(stdout);
    assert_eq!(response["id"], 1);
    assert_eq!(response["result"]["serverInfo"]["name"], "crmpol");
    send(
        stdin,
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    );
}

#[test]
fn malformed_messages_are_skipped_and_the_server_goes_on() {
    let (mut child, mut stdin, mut stdout) = start();
    send_raw(&mut stdin, b"{ this is not JSON");
    send_raw(&mut stdin, br#"{"jsonrpc":"2.0","neither":"request nor notification"}"#);
    initialize(&mut stdin, &mut stdout);
    send(&mut stdin, json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    assert_eq!(receive(&mut stdout)["id"], 2);
    send(&mut stdin, json!({ "jsonrpc": "2.0", "method": "exit" }));
    let status = child.wait().expect("the server ends");
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    assert!(stderr.contains("skipped a message that is not LSP"), "{stderr}");
}

#[test]
fn exit_without_shutdown_and_closed_input_are_status_one() {
    let (mut child, mut stdin, mut stdout) = start();
    initialize(&mut stdin, &mut stdout);
    send(&mut stdin, json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert_eq!(child.wait().expect("the server ends").code(), Some(1));

    let (mut child, mut stdin, mut stdout) = start();
    initialize(&mut stdin, &mut stdout);
    drop(stdin);
    assert_eq!(child.wait().expect("the server ends").code(), Some(1));
}
