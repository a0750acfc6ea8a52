//! The server's state and main loop: documents in, diagnostics out.
//!
//! In: messages from a [`Connection`]. Out: responses (through
//! [`super::requests`]) and `textDocument/publishDiagnostics` for every
//! file of each policy set a message changed, an empty list for a file
//! whose problems are gone or that left its set.

use super::{convert, requests};
use crate::source::{ColumnUnit, FileId};
use crate::workspace::Snapshot;
use crate::workspace::folders::{Folders, SetId};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// A language server for one client.
pub struct Server {
    connection: Connection,
    pub(super) folders: Folders,
    /// How the client counts columns.
    pub(super) unit: ColumnUnit,
    /// For each set, the files last published, so a file that leaves the
    /// set gets its diagnostics cleared.
    published: BTreeMap<SetId, BTreeSet<String>>,
    /// Sets changed since diagnostics were last published.
    dirty: BTreeSet<SetId>,
    shutdown_requested: bool,
    next_request: i32,
    /// The client can ask for a code action's edits later
    /// (`codeAction/resolve`).
    pub(super) resolves_code_action_edits: bool,
}

impl Server {
    /// Answers `initialize` and reads the workspace folders.
    pub fn initialize(connection: Connection) -> Result<Server, String> {
        let (id, params) = connection
            .initialize_start()
            .map_err(|error| format!("no initialize request: {error}"))?;
        let params: lsp::InitializeParams = match serde_json::from_value(params) {
            Ok(params) => params,
            Err(error) => {
                let message = format!("invalid initialize parameters: {error}");
                let _ = connection.sender.send(Message::Response(Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    message.clone(),
                )));
                return Err(message);
            }
        };
        let (encoding, unit) = convert::negotiate_encoding(&params.capabilities);
        let result = lsp::InitializeResult {
            capabilities: requests::capabilities(encoding),
            server_info: Some(lsp::ServerInfo {
                name: "crmpol".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        };
        let result = serde_json::to_value(result).map_err(|error| error.to_string())?;
        connection
            .initialize_finish(id, result)
            .map_err(|error| format!("no initialized notification: {error}"))?;
        let mut server = Server {
            connection,
            folders: Folders::new(),
            unit,
            published: BTreeMap::new(),
            dirty: BTreeSet::new(),
            shutdown_requested: false,
            next_request: 0,
            resolves_code_action_edits: resolves_code_action_edits(&params.capabilities),
        };
        for root in workspace_roots(&params) {
            server.dirty.extend(server.folders.add_folder(&root));
        }
        if watches_files(&params.capabilities) {
            server.register_file_watcher();
        }
        Ok(server)
    }

    /// Handles messages until the client exits; returns the exit status.
    pub fn run(mut self) -> u8 {
        loop {
            self.publish_changed();
            let Ok(message) = self.connection.receiver.recv() else {
                return 1;
            };
            if let Some(status) = self.handle(message) {
                return status;
            }
            // Handle everything already waiting before checking again: a
            // burst of edits is analysed once.
            while let Ok(message) = self.connection.receiver.try_recv() {
                if let Some(status) = self.handle(message) {
                    return status;
                }
            }
        }
    }

    /// Handles one message; `Some(status)` when the client said `exit`.
    fn handle(&mut self, message: Message) -> Option<u8> {
        match message {
            Message::Request(request) => {
                let response = self.answer(&request);
                self.send(Message::Response(response));
                None
            }
            Message::Notification(notification) if notification.method == lsp::notification::Exit::METHOD => {
                Some(if self.shutdown_requested { 0 } else { 1 })
            }
            Message::Notification(notification) => {
                let method = notification.method.clone();
                let handled = std::panic::catch_unwind(AssertUnwindSafe(|| self.notified(notification)));
                if handled.is_err() {
                    eprintln!("crmpol lsp: handling `{method}` failed; the server goes on");
                }
                None
            }
            Message::Response(_) => None,
        }
    }

    fn answer(&mut self, request: &Request) -> Response {
        let id = request.id.clone();
        if request.method == <lsp::request::Shutdown as lsp::request::Request>::METHOD {
            self.shutdown_requested = true;
            return Response::new_ok(id, serde_json::Value::Null);
        }
        if self.shutdown_requested {
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_owned(),
            );
        }
        match std::panic::catch_unwind(AssertUnwindSafe(|| requests::handle(self, request))) {
            Ok(Ok(result)) => Response::new_ok(id, result),
            Ok(Err(error)) => Response {
                id,
                result: None,
                error: Some(error),
            },
            Err(_) => {
                eprintln!("crmpol lsp: answering `{}` failed; the server goes on", request.method);
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("crmpol could not answer `{}`: an internal error", request.method),
                )
            }
        }
    }

    fn notified(&mut self, notification: Notification) {
        use lsp::notification as n;
        let method = notification.method.as_str();
        let params = notification.params;
        match method {
            n::DidOpenTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(params) {
                    let document = params.text_document;
                    let key = convert::key_of(&document.uri);
                    let set = self.folders.set_open_text(&key, document.text, Some(document.version));
                    self.changed(set);
                }
            }
            n::DidChangeTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(params) {
                    self.edited(params);
                }
            }
            n::DidCloseTextDocument::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(params) {
                    let key = convert::key_of(&params.text_document.uri);
                    let set = self.folders.close(&key);
                    self.changed(set);
                }
            }
            n::DidChangeWatchedFiles::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(params) {
                    for change in params.changes {
                        let key = convert::key_of(&change.uri);
                        let set = if change.typ == lsp::FileChangeType::DELETED {
                            self.folders.disk_deleted(&key)
                        } else {
                            self.folders.disk_changed(&key)
                        };
                        self.changed(set);
                    }
                    for set in self.folders.refresh_catalogs() {
                        self.changed(Some(set));
                    }
                }
            }
            n::DidChangeWorkspaceFolders::METHOD => {
                if let Ok(params) = serde_json::from_value::<lsp::DidChangeWorkspaceFoldersParams>(params) {
                    for folder in params.event.removed {
                        if let Ok(root) = folder.uri.to_file_path() {
                            self.dirty.extend(self.folders.remove_folder(&root));
                        }
                    }
                    for folder in params.event.added {
                        if let Ok(root) = folder.uri.to_file_path() {
                            self.dirty.extend(self.folders.add_folder(&root));
                        }
                    }
                }
            }
            // Saving changes nothing the editor has not sent already; the
            // rest (`initialized`, `$/cancelRequest`, ...) needs no answer.
            _ => {}
        }
    }

    /// Applies a document's changes, each to the text the one before left.
    fn edited(&mut self, params: lsp::DidChangeTextDocumentParams) {
        let key = convert::key_of(&params.text_document.uri);
        let current = self
            .folders
            .set_of(&key)
            .and_then(|set| self.folders.workspace(&set))
            .and_then(|workspace| workspace.get(&key))
            .map(|file| {
                if file.had_bom {
                    format!("\u{feff}{}", file.text)
                } else {
                    file.text.clone()
                }
            });
        // Changes to a document never opened: only a full text helps.
        let mut text = current.unwrap_or_default();
        for change in params.content_changes {
            match change.range {
                Some(range) => {
                    let file = crate::source::SourceFile::from_text("", std::mem::take(&mut text));
                    let span = convert::span(&file, FileId(0), range, self.unit);
                    let mut edited = file.text;
                    edited.replace_range(span.range(), &change.text);
                    // The mark stays the document's first character.
                    text = if file.had_bom {
                        format!("\u{feff}{edited}")
                    } else {
                        edited
                    };
                }
                None => text = change.text,
            }
        }
        let version = Some(params.text_document.version);
        let set = self.folders.set_open_text(&key, text, version);
        self.changed(set);
    }

    fn changed(&mut self, set: Option<SetId>) {
        if let Some(set) = set {
            self.dirty.insert(set);
        }
    }

    /// The latest snapshot of the set holding a document, and its file.
    pub(super) fn snapshot_of(&mut self, uri: &lsp::Url) -> Option<(Arc<Snapshot>, FileId)> {
        let key = convert::key_of(uri);
        let set = self.folders.set_of(&key)?;
        let snapshot = self.folders.workspace_mut(&set)?.snapshot();
        let file = snapshot.file_id(&key)?;
        Some((snapshot, file))
    }

    /// Every set's latest snapshot, for questions about the whole workspace.
    pub(super) fn snapshots(&mut self) -> Vec<Arc<Snapshot>> {
        let sets = self.folders.sets();
        sets.iter()
            .filter_map(|set| self.folders.workspace_mut(set).map(|workspace| workspace.snapshot()))
            .collect()
    }

    /// Publishes the diagnostics of every file of each changed set.
    fn publish_changed(&mut self) {
        for set in std::mem::take(&mut self.dirty) {
            self.publish(set);
        }
    }

    fn publish(&mut self, set: SetId) {
        let mut now = BTreeSet::new();
        if let Some(workspace) = self.folders.workspace_mut(&set) {
            let snapshot = workspace.snapshot();
            let mut by_file: Vec<Vec<lsp::Diagnostic>> = vec![Vec::new(); snapshot.sources.len()];
            let mut in_catalog = Vec::new();
            for diagnostic in &snapshot.analysis.diagnostics {
                let (file, converted) = convert::diagnostic(&snapshot, diagnostic, self.unit);
                if file == crate::source::FileId::CATALOG {
                    in_catalog.push(converted);
                } else if let Some(list) = by_file.get_mut(file.0) {
                    list.push(converted);
                }
            }
            for ((id, key, _), diagnostics) in snapshot.files().zip(by_file) {
                self.send_diagnostics(key, diagnostics, snapshot.version(id));
                now.insert(key.to_owned());
            }
            // The catalog's problems show in the catalog file itself.
            if let Some(key) = snapshot.key(crate::source::FileId::CATALOG).map(str::to_owned)
                && snapshot.sources.get(crate::source::FileId::CATALOG).is_some()
            {
                self.send_diagnostics(&key, in_catalog, None);
                now.insert(key);
            }
        }
        let before = self.published.remove(&set).unwrap_or_default();
        for gone in before.difference(&now) {
            // A file that left this set may be published by the set it
            // joined; only a file in no set is cleared.
            if self.folders.set_of(gone).is_none() {
                self.send_diagnostics(gone, Vec::new(), None);
            }
        }
        if !now.is_empty() {
            self.published.insert(set, now);
        }
    }

    fn send_diagnostics(&self, key: &str, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        let Some(uri) = convert::uri_of(key) else { return };
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.notify::<lsp::notification::PublishDiagnostics>(params);
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Message::Notification(Notification::new(N::METHOD.to_owned(), params)));
    }

    fn send(&self, message: Message) {
        // The client is gone when this fails; the loop ends at the next read.
        let _ = self.connection.sender.send(message);
    }

    /// Asks the client to tell the server about policy files, and queue
    /// catalogs (JSON), changed on disk by other programs (git, a
    /// formatter, a fresh export).
    fn register_file_watcher(&mut self) {
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(format!("**/*.{}", crate::source::POLICY_EXTENSION)),
                    kind: None,
                },
                lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/*.json".to_owned()),
                    kind: None,
                },
            ],
        };
        let registration = lsp::Registration {
            id: "crmpol-watched-files".to_owned(),
            method: lsp::notification::DidChangeWatchedFiles::METHOD.to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("crmpol-{}", self.next_request)),
            <lsp::request::RegisterCapability as lsp::request::Request>::METHOD.to_owned(),
            lsp::RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(Message::Request(request));
    }
}

/// The folders to read: the workspace folders, else the root, if any.
#[allow(deprecated)] // `root_uri` and `root_path` are what older clients send.
fn workspace_roots(params: &lsp::InitializeParams) -> Vec<std::path::PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders
            .iter()
            .filter_map(|folder| folder.uri.to_file_path().ok())
            .collect();
    }
    let root = params
        .root_uri
        .as_ref()
        .and_then(|uri| uri.to_file_path().ok())
        .or_else(|| params.root_path.as_ref().map(std::path::PathBuf::from));
    root.into_iter().collect()
}

fn resolves_code_action_edits(capabilities: &lsp::ClientCapabilities) -> bool {
    capabilities
        .text_document
        .as_ref()
        .and_then(|document| document.code_action.as_ref())
        .and_then(|code_action| code_action.resolve_support.as_ref())
        .is_some_and(|support| support.properties.iter().any(|property| property == "edit"))
}

fn watches_files(capabilities: &lsp::ClientCapabilities) -> bool {
    capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.did_change_watched_files.as_ref())
        .and_then(|watched| watched.dynamic_registration)
        .unwrap_or(false)
}
