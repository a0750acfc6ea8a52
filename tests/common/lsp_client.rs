//! A test client for `crmpol lsp`, in process: the server runs in a thread
//! on `lsp-server`'s in-memory connection, and every message it sends must
//! be read by the test. Dropping a client that still has unread messages
//! fails the test, so nothing the server says goes unchecked.

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long to wait for the server before failing the test.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct TestClient {
    connection: Connection,
    server: Option<JoinHandle<u8>>,
    next_id: i32,
    /// Notifications that arrived while waiting for a response.
    unread: VecDeque<Notification>,
    /// Requests the server made of the client (answered at once).
    pub server_requests: Vec<Request>,
    pub initialize_result: Value,
}

impl TestClient {
    /// Starts a server and initializes it with `capabilities`, on the
    /// workspace folder `root` if given.
    pub fn start(capabilities: Value, root: Option<&Path>) -> TestClient {
        let (client, server) = Connection::memory();
        let thread = std::thread::spawn(move || crmpol::lsp::serve(server));
        let mut client = TestClient {
            connection: client,
            server: Some(thread),
            next_id: 0,
            unread: VecDeque::new(),
            server_requests: Vec::new(),
            initialize_result: Value::Null,
        };
        let folders = root.map(|root| {
            let uri = lsp::Url::from_directory_path(root).expect("an absolute folder");
            json!([{ "uri": uri, "name": "policies" }])
        });
        let result = client.request(
            "initialize",
            json!({ "processId": null, "capabilities": capabilities, "workspaceFolders": folders }),
        );
        client.initialize_result = result.result.expect("initialize succeeds");
        client.notify("initialized", json!({}));
        client
    }

    /// A server for a client that says nothing of its capabilities.
    pub fn plain(root: Option<&Path>) -> TestClient {
        TestClient::start(json!({}), root)
    }

    pub fn notify(&self, method: &str, params: Value) {
        let message = Message::Notification(Notification::new(method.to_owned(), params));
        self.connection.sender.send(message).expect("the server is running");
    }

    /// Sends a request and waits for its response, keeping notifications
    /// that come first for the test to read.
    pub fn request(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .expect("the server is running");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => return response,
                Message::Response(other) => panic!("a response to another request: {other:?}"),
                Message::Notification(notification) => self.unread.push_back(notification),
                Message::Request(_) => unreachable!("answered in receive"),
            }
        }
    }

    /// A request's result, which must not be an error.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.error.is_none(), "{method} failed: {:?}", response.error);
        response.result.unwrap_or(Value::Null)
    }

    /// The next notification, which must be `method`.
    pub fn expect_notification(&mut self, method: &str) -> Value {
        let notification = match self.unread.pop_front() {
            Some(notification) => notification,
            None => match self.receive() {
                Message::Notification(notification) => notification,
                other => panic!("expected {method}, got {other:?}"),
            },
        };
        assert_eq!(notification.method, method, "{:?}", notification.params);
        notification.params
    }

    /// The next published diagnostics.
    pub fn diagnostics(&mut self) -> lsp::PublishDiagnosticsParams {
        let params = self.expect_notification("textDocument/publishDiagnostics");
        serde_json::from_value(params).expect("publishDiagnostics parameters")
    }

    /// The next `count` publications, by file name (the last part of the
    /// URI), sorted by it.
    pub fn diagnostics_of_files(&mut self, count: usize) -> Vec<(String, lsp::PublishDiagnosticsParams)> {
        let mut published: Vec<(String, lsp::PublishDiagnosticsParams)> = (0..count)
            .map(|_| {
                let params = self.diagnostics();
                let name = params.uri.path().rsplit('/').next().unwrap_or("").to_owned();
                (name, params)
            })
            .collect();
        published.sort_by(|a, b| a.0.cmp(&b.0));
        published
    }

    /// Opens a document with `text` at version 1.
    pub fn open(&self, uri: &lsp::Url, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "crmpol", "version": 1, "text": text } }),
        );
    }

    /// Replaces a document's whole text.
    pub fn change_all(&self, uri: &lsp::Url, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// Shuts the server down and returns its exit status; fails if the
    /// server said anything the test did not read.
    pub fn shutdown(mut self) -> u8 {
        let response = self.request("shutdown", Value::Null);
        assert!(response.error.is_none());
        self.exit()
    }

    /// Sends `exit` (with or without `shutdown` before) and waits for the
    /// server to end.
    pub fn exit(mut self) -> u8 {
        self.notify("exit", Value::Null);
        let status = self
            .server
            .take()
            .expect("a server")
            .join()
            .expect("the server did not panic");
        assert!(self.unread.is_empty(), "unread notifications: {:?}", self.unread);
        let rest: Vec<Message> = self.connection.receiver.try_iter().collect();
        assert!(rest.is_empty(), "unread messages: {rest:?}");
        status
    }

    fn receive(&mut self) -> Message {
        loop {
            let message = self
                .connection
                .receiver
                .recv_timeout(PATIENCE)
                .expect("the server answers in time");
            if let Message::Request(request) = message {
                let response = Response::new_ok(request.id.clone(), Value::Null);
                self.server_requests.push(request);
                self.connection
                    .sender
                    .send(Message::Response(response))
                    .expect("the server is running");
                continue;
            }
            return message;
        }
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        if std::thread::panicking() || self.server.is_none() {
            return;
        }
        assert!(self.unread.is_empty(), "unread notifications: {:?}", self.unread);
    }
}

/// `file:` URI of a path.
pub fn uri(path: &Path) -> lsp::Url {
    lsp::Url::from_file_path(path).expect("an absolute path")
}

/// A temporary folder holding `files`.
pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folders");
        }
        std::fs::write(path, text).expect("a policy file");
    }
    dir
}

/// The position of the first `needle` in `text` plus `delta` characters,
/// in UTF-16 units (what a client that says nothing speaks).
pub fn position_utf16(text: &str, needle: &str, delta: usize) -> Value {
    let at = text.find(needle).expect("needle");
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let character: usize = text[line_start..at].encode_utf16().count() + delta;
    json!({ "line": line, "character": character })
}
