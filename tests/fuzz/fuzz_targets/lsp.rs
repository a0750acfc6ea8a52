//! Fuzz target `lsp`: any bytes, read as a sequence of editor actions on
//! three documents of one workspace folder (open, edit a range, replace the
//! text, close, and requests at any position: hover, completion,
//! definition, references, symbols, code actions, formatting, inlay
//! hints), go through `crmpol lsp` on an in-memory connection without a
//! panic or an unanswered request. At the end the diagnostics last
//! published for each document are those a fresh analysis of the same
//! texts gives: same codes, messages and positions, in the position
//! encoding the first byte picks.

#![no_main]

use crmpol::source::{ColumnUnit, SourceFile, SourceSet};
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// A folder that is not on disk: the documents exist only in the editor.
const ROOT: &str = "/crmpol-fuzz-root";
const DOCUMENTS: [&str; 3] = ["a.crmpol", "b.crmpol", "teams/c.crmpol"];
const REQUESTS: [&str; 8] = [
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/codeAction",
    "textDocument/formatting",
    "textDocument/inlayHint",
    "textDocument/documentSymbol",
];

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data);
    let (encoding, unit) = match bytes.next() % 3 {
        0 => ("utf-16", ColumnUnit::Utf16),
        1 => ("utf-8", ColumnUnit::Bytes),
        _ => ("utf-32", ColumnUnit::CodePoints),
    };
    let mut client = Client::start(encoding);
    let mut texts: BTreeMap<usize, (String, i32)> = BTreeMap::new();
    let mut versions = [0; DOCUMENTS.len()];
    let mut steps = 0;
    while !bytes.is_empty() && steps < 64 {
        steps += 1;
        let action = bytes.next();
        let document = usize::from(action / 8) % DOCUMENTS.len();
        let uri = uri(document);
        match action % 8 {
            0 => {
                let text = bytes.text();
                if texts.contains_key(&document) {
                    continue;
                }
                // Versions only grow, across a close and a new open too, so
                // a publication is never taken for a later one.
                versions[document] += 1;
                let version = versions[document];
                client.notify(
                    "textDocument/didOpen",
                    json!({ "textDocument": { "uri": uri, "languageId": "crmpol", "version": version, "text": text } }),
                );
                texts.insert(document, (text, version));
            }
            1 | 2 => {
                let Some((text, version)) = texts.get_mut(&document) else {
                    continue;
                };
                let (start, end) = (bytes.position(), bytes.position());
                let inserted = bytes.text();
                versions[document] += 1;
                *version = versions[document];
                client.notify(
                    "textDocument/didChange",
                    json!({
                        "textDocument": { "uri": uri, "version": *version },
                        "contentChanges": [{ "range": { "start": start, "end": end }, "text": inserted }]
                    }),
                );
                apply(text, &start, &end, &inserted, unit);
            }
            3 => {
                let Some((text, version)) = texts.get_mut(&document) else {
                    continue;
                };
                *text = bytes.text();
                versions[document] += 1;
                *version = versions[document];
                client.notify(
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": uri, "version": *version }, "contentChanges": [{ "text": text.clone() }] }),
                );
            }
            4 => {
                if texts.remove(&document).is_some() {
                    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
                }
            }
            _ => {
                let method = REQUESTS[usize::from(bytes.next()) % REQUESTS.len()];
                let (start, end) = (bytes.position(), bytes.position());
                let mut params = json!({ "textDocument": { "uri": uri } });
                match method {
                    "textDocument/codeAction" | "textDocument/inlayHint" => {
                        params["range"] = json!({ "start": start, "end": end });
                        params["context"] = json!({ "diagnostics": [] });
                    }
                    "textDocument/references" => {
                        params["position"] = start;
                        params["context"] = json!({ "includeDeclaration": true });
                    }
                    "textDocument/formatting" => params["options"] = json!({ "tabSize": 4, "insertSpaces": true }),
                    "textDocument/documentSymbol" => {}
                    _ => params["position"] = start,
                }
                let response = client.request(method, params);
                if let Some(error) = response.error {
                    let refused = method == "textDocument/formatting" && error.code == -32803;
                    assert!(refused, "{method} failed: {error:?}");
                }
            }
        }
    }
    // The server publishes once the messages waiting are handled; wait
    // for every open document's last version before shutting it down.
    for (document, (_, version)) in &texts {
        client.wait_for_version(&uri(*document).to_string(), *version);
    }
    let published = client.finish();
    for (document, (text, version)) in &texts {
        let expected = fresh_diagnostics(&texts, *document, unit);
        let got = published.get(&uri(*document).to_string()).cloned().unwrap_or_default();
        let got: Vec<(String, u64, u64, String)> = got
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                    d["range"]["start"]["character"].as_u64().unwrap_or(u64::MAX),
                    d["message"]
                        .as_str()
                        .unwrap_or_default()
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect();
        assert_eq!(got, expected, "document {document} at version {version}: {text:?}");
    }
});

/// What a fresh analysis of the open documents says about one of them.
fn fresh_diagnostics(
    texts: &BTreeMap<usize, (String, i32)>,
    document: usize,
    unit: ColumnUnit,
) -> Vec<(String, u64, u64, String)> {
    let mut sorted: Vec<(&str, usize)> = texts.keys().map(|&index| (DOCUMENTS[index], index)).collect();
    sorted.sort_by(|a, b| std::path::Path::new(a.0).cmp(std::path::Path::new(b.0)));
    let mut sources = SourceSet::new();
    let mut ids = BTreeMap::new();
    for (name, index) in &sorted {
        let id = sources.add(SourceFile::from_text(*name, texts[index].0.clone()));
        ids.insert(*index, id);
    }
    let analysis = crmpol::analyze(&sources);
    let Some(&wanted) = ids.get(&document) else {
        return Vec::new();
    };
    let first = ids.values().copied().min();
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.primary_span().map(|span| span.file()).or(first) == Some(wanted))
        .map(|d| {
            let span = d.primary_span();
            let file = sources.get(wanted).expect("the file");
            let offset = span.map_or(0, |span| file.clamp(span.start()));
            let line = file.line_of(offset);
            let shift = if line == 0 { bom_columns(file, unit) } else { 0 };
            let column = (file.column_in(offset, unit) + shift) as u64;
            let line = line as u64;
            let message = d.message.lines().next().unwrap_or_default().to_owned();
            (d.code.to_string(), line, column, message)
        })
        .collect()
}

/// The harness's copy of an incremental change, applied with the
/// library's own position rule (clamped to the line and the text).
fn apply(text: &mut String, start: &Value, end: &Value, inserted: &str, unit: ColumnUnit) {
    let file = SourceFile::from_text("", text.clone());
    // A leading byte-order mark is a character of the first line.
    let mark = if file.had_bom { '\u{feff}'.len_utf8() } else { 0 };
    let at = |position: &Value| {
        let line = position["line"].as_u64().unwrap_or(0) as usize;
        let character = position["character"].as_u64().unwrap_or(0) as usize;
        let character = if line == 0 {
            character.saturating_sub(bom_columns(&file, unit))
        } else {
            character
        };
        file.offset_at(line, character, unit) + mark
    };
    let (a, b) = (at(start), at(end));
    text.replace_range(a.min(b)..a.max(b), inserted);
}

/// The columns a leading byte-order mark takes on the first line.
fn bom_columns(file: &SourceFile, unit: ColumnUnit) -> usize {
    match (file.had_bom, unit) {
        (false, _) => 0,
        (true, ColumnUnit::Bytes) => '\u{feff}'.len_utf8(),
        (true, _) => 1,
    }
}

fn uri(document: usize) -> lsp_types::Url {
    lsp_types::Url::from_file_path(format!("{ROOT}/{}", DOCUMENTS[document])).expect("an absolute path")
}

/// The fuzzer's bytes, read from the front; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&first, rest)) => {
                self.0 = rest;
                first
            }
            None => 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A text of up to 255 bytes (as a client would send it: valid UTF-8).
    fn text(&mut self) -> String {
        let length = usize::from(self.next()).min(self.0.len());
        let (text, rest) = self.0.split_at(length);
        self.0 = rest;
        String::from_utf8_lossy(text).into_owned()
    }

    /// A position, often past the end of its line or of the text.
    fn position(&mut self) -> Value {
        json!({ "line": self.next() % 32, "character": self.next() % 64 })
    }
}

struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<u8>>,
    next_id: i32,
    /// The last diagnostics published for each URI.
    published: BTreeMap<String, Vec<Value>>,
    /// The document version they were published for.
    versions: BTreeMap<String, i64>,
}

impl Client {
    fn start(encoding: &str) -> Client {
        let (client, server) = Connection::memory();
        let thread = std::thread::spawn(move || crmpol::lsp::serve(server));
        let mut client = Client {
            connection: client,
            server: Some(thread),
            next_id: 0,
            published: BTreeMap::new(),
            versions: BTreeMap::new(),
        };
        let root = lsp_types::Url::from_directory_path(ROOT).expect("an absolute folder");
        client.request(
            "initialize",
            json!({
                "processId": null,
                "capabilities": { "general": { "positionEncodings": [encoding] } },
                "workspaceFolders": [{ "uri": root, "name": "fuzz" }]
            }),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let message = Message::Notification(Notification::new(method.to_owned(), params));
        self.connection.sender.send(message).expect("the server is running");
    }

    fn request(&mut self, method: &str, params: Value) -> lsp_server::Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Message::Request(Request::new(id.clone(), method.to_owned(), params));
        self.connection.sender.send(request).expect("the server is running");
        loop {
            match self.receive() {
                Some(Message::Response(response)) if response.id == id => return response,
                Some(_) => {}
                None => panic!("{method} was never answered"),
            }
        }
    }

    /// Waits until diagnostics for `version` of `uri` are published.
    fn wait_for_version(&mut self, uri: &str, version: i32) {
        while self.versions.get(uri) != Some(&i64::from(version)) {
            assert!(
                self.receive().is_some(),
                "no diagnostics published for {uri} at version {version}"
            );
        }
    }

    /// Shuts the server down (exit status 0) and returns what it published.
    fn finish(mut self) -> BTreeMap<String, Vec<Value>> {
        let response = self.request("shutdown", Value::Null);
        assert!(response.error.is_none());
        self.notify("exit", Value::Null);
        let status = self
            .server
            .take()
            .map(|server| server.join().expect("the server did not panic"));
        assert_eq!(status, Some(0));
        while self.receive_now().is_some() {}
        self.published
    }

    fn receive(&mut self) -> Option<Message> {
        let message = self.connection.receiver.recv_timeout(Duration::from_secs(30)).ok()?;
        Some(self.note(message))
    }

    fn receive_now(&mut self) -> Option<Message> {
        let message = self.connection.receiver.try_recv().ok()?;
        Some(self.note(message))
    }

    /// Keeps published diagnostics; answers the server's own requests.
    fn note(&mut self, message: Message) -> Message {
        match &message {
            Message::Notification(notification) if notification.method == "textDocument/publishDiagnostics" => {
                let uri = notification.params["uri"].as_str().unwrap_or_default().to_owned();
                let list = notification.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if let Some(version) = notification.params["version"].as_i64() {
                    self.versions.insert(uri.clone(), version);
                }
                self.published.insert(uri, list);
            }
            Message::Request(request) => {
                let response = lsp_server::Response::new_ok(request.id.clone(), Value::Null);
                let _ = self.connection.sender.send(Message::Response(response));
            }
            _ => {}
        }
        message
    }
}
