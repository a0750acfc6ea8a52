//! Requests: what the server offers and how each request is answered.
//!
//! In: a request and the [`Server`] holding the policy sets. Out: its
//! result as JSON, or an error response. Each handler finds the document's
//! snapshot, converts the position to a byte offset, asks
//! [`crate::query`] and converts the answer back. A document in no policy
//! set gets an empty answer, never an error: editors ask about every file
//! they show.

use super::Server;
use super::convert;
use crate::query::Semantics;
use crate::query::actions::{ActionKind, FIX_ALL_TITLE};
use crate::query::at::{Item, item_at};
use crate::resolve::{AssignmentId, Source};
use crate::source::Span;
use lsp_server::{ErrorCode, Request, ResponseError};
use lsp_types as lsp;
use lsp_types::request::Request as _;
use serde_json::Value;

/// What the server can do, as told to the client.
pub fn capabilities(encoding: lsp::PositionEncodingKind) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(encoding),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: None,
            ..Default::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![":".to_owned(), "\"".to_owned(), " ".to_owned()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, fix_all_kind()]),
            resolve_provider: Some(true),
            ..Default::default()
        })),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

fn fix_all_kind() -> lsp::CodeActionKind {
    lsp::CodeActionKind::new("source.fixAll.crmpol")
}

/// Answers one request.
pub fn handle(server: &mut Server, request: &Request) -> Result<Value, ResponseError> {
    use lsp::request as r;
    let params = request.params.clone();
    match request.method.as_str() {
        r::HoverRequest::METHOD => to_json(hover(server, parse(params)?)),
        r::GotoDefinition::METHOD => to_json(definition(server, parse(params)?)),
        r::References::METHOD => to_json(references(server, parse(params)?)),
        r::DocumentSymbolRequest::METHOD => to_json(document_symbols(server, parse(params)?)),
        r::WorkspaceSymbolRequest::METHOD => to_json(workspace_symbols(server, parse(params)?)),
        r::Completion::METHOD => to_json(completion(server, parse(params)?)),
        r::CodeActionRequest::METHOD => to_json(code_actions(server, parse(params)?)),
        r::CodeActionResolveRequest::METHOD => to_json(resolve_code_action(server, parse(params)?)?),
        r::Formatting::METHOD => to_json(formatting(server, parse(params)?)?),
        r::InlayHintRequest::METHOD => to_json(inlay_hints(server, parse(params)?)),
        method => Err(error(
            ErrorCode::MethodNotFound,
            format!("crmpol does not answer `{method}`"),
        )),
    }
}

fn parse<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, ResponseError> {
    serde_json::from_value(params)
        .map_err(|problem| error(ErrorCode::InvalidParams, format!("invalid parameters: {problem}")))
}

fn to_json(result: impl serde::Serialize) -> Result<Value, ResponseError> {
    serde_json::to_value(result).map_err(|problem| error(ErrorCode::InternalError, problem.to_string()))
}

fn error(code: ErrorCode, message: String) -> ResponseError {
    ResponseError {
        code: code as i32,
        message,
        data: None,
    }
}

fn hover(server: &mut Server, params: lsp::HoverParams) -> Option<lsp::Hover> {
    let place = params.text_document_position_params;
    let (snapshot, file) = server.snapshot_of(&place.text_document.uri)?;
    let source = snapshot.sources.get(file)?;
    let offset = convert::offset(source, place.position, server.unit);
    let hover = Semantics::of(&snapshot).hover(file, offset)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(convert::range(source, hover.span, server.unit)),
    })
}

/// The spans a definition or references request leads to: for a queue
/// name, every place the queue is opened; for a setting, the statements it
/// overrides (definition) or those that override it (references).
fn targets(server: &mut Server, place: &lsp::TextDocumentPositionParams, overriders: bool) -> Vec<lsp::Location> {
    let Some((snapshot, file)) = server.snapshot_of(&place.text_document.uri) else {
        return Vec::new();
    };
    let semantics = Semantics::of(&snapshot);
    let (Some(source), Some(tree)) = (snapshot.sources.get(file), snapshot.analysis.trees.get(file.0)) else {
        return Vec::new();
    };
    let offset = convert::offset(source, place.position, server.unit);
    let spans: Vec<Span> = match item_at(tree, &source.text, offset) {
        Some(Item::QueueName { span, .. }) => semantics
            .queue_named_at(span)
            .map(|queue| semantics.openings(queue).to_vec())
            .unwrap_or_default(),
        Some(Item::SettingName { statement, .. } | Item::SettingValue { statement, .. }) => {
            let Some(assignment) = semantics.assignment_of(statement) else {
                return Vec::new();
            };
            let related: Vec<AssignmentId> = if overriders {
                semantics.overriding_this(assignment).to_vec()
            } else {
                semantics.overridden_by_this(assignment)
            };
            related
                .into_iter()
                .filter_map(|id| snapshot.analysis.policy.assignment(id).map(|stated| stated.span))
                .collect()
        }
        _ => Vec::new(),
    };
    spans
        .into_iter()
        .filter_map(|span| convert::location(&snapshot, span, server.unit))
        .collect()
}

fn definition(server: &mut Server, params: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
    let locations = targets(server, &params.text_document_position_params, false);
    (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
}

fn references(server: &mut Server, params: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let place = params.text_document_position;
    let mut locations = targets(server, &place, true);
    if params.context.include_declaration
        && let Some((snapshot, file)) = server.snapshot_of(&place.text_document.uri)
        && let (Some(source), Some(tree)) = (snapshot.sources.get(file), snapshot.analysis.trees.get(file.0))
        && let Some(Item::SettingName { statement, .. } | Item::SettingValue { statement, .. }) =
            item_at(tree, &source.text, convert::offset(source, place.position, server.unit))
        && let Some(stated) = Semantics::of(&snapshot)
            .assignment_of(statement)
            .and_then(|id| snapshot.analysis.policy.assignment(id))
        && let Some(own) = convert::location(&snapshot, stated.span, server.unit)
    {
        locations.insert(0, own);
    }
    Some(locations)
}

fn document_symbols(server: &mut Server, params: lsp::DocumentSymbolParams) -> Option<lsp::DocumentSymbolResponse> {
    let (snapshot, file) = server.snapshot_of(&params.text_document.uri)?;
    let source = snapshot.sources.get(file)?;
    let symbols = Semantics::of(&snapshot)
        .document_symbols(file)
        .into_iter()
        .map(|symbol| convert::document_symbol(source, symbol, server.unit))
        .collect();
    Some(lsp::DocumentSymbolResponse::Nested(symbols))
}

#[allow(deprecated)] // `SymbolInformation::deprecated` must still be given.
fn workspace_symbols(server: &mut Server, params: lsp::WorkspaceSymbolParams) -> Vec<lsp::SymbolInformation> {
    let unit = server.unit;
    let mut found = Vec::new();
    for snapshot in server.snapshots() {
        for symbol in Semantics::of(&snapshot).queue_symbols(&params.query) {
            if let Some(location) = convert::location(&snapshot, symbol.span, unit) {
                found.push(lsp::SymbolInformation {
                    name: symbol.name,
                    kind: lsp::SymbolKind::MODULE,
                    tags: None,
                    deprecated: None,
                    location,
                    container_name: symbol.container,
                });
            }
        }
    }
    found
}

fn completion(server: &mut Server, params: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
    let place = params.text_document_position;
    let (snapshot, file) = server.snapshot_of(&place.text_document.uri)?;
    let source = snapshot.sources.get(file)?;
    let offset = convert::offset(source, place.position, server.unit);
    let items = Semantics::of(&snapshot)
        .completions(file, offset)
        .into_iter()
        .map(|completion| convert::completion_item(source, completion, server.unit))
        .collect();
    Some(lsp::CompletionResponse::Array(items))
}

fn code_actions(server: &mut Server, params: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
    let (snapshot, file) = server.snapshot_of(&params.text_document.uri)?;
    let source = snapshot.sources.get(file)?;
    let span = convert::span(source, file, params.range, server.unit);
    let wanted = |kind: &lsp::CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|prefix| {
                kind.as_str() == prefix.as_str() || kind.as_str().starts_with(&format!("{}.", prefix.as_str()))
            })
        })
    };
    let semantics = Semantics::of(&snapshot);
    let mut actions: Vec<lsp::CodeActionOrCommand> = semantics
        .quick_fixes(file, span)
        .into_iter()
        .filter_map(|action| {
            let kind = match action.kind {
                ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
                ActionKind::FixAll => fix_all_kind(),
            };
            if !wanted(&kind) {
                return None;
            }
            let diagnostics = action
                .diagnostic
                .as_ref()
                .map(|diagnostic| vec![convert::diagnostic(&snapshot, diagnostic, server.unit).1]);
            Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: action.title,
                kind: Some(kind),
                diagnostics,
                edit: Some(convert::workspace_edit(&snapshot, &action.edits, server.unit)),
                is_preferred: Some(action.preferred),
                ..Default::default()
            }))
        })
        .collect();
    if wanted(&fix_all_kind()) && semantics.has_fix_all(file) {
        // Editors ask for actions at every move of the cursor; a client
        // that can resolve an action later gets this one without its
        // edits, which cost a whole `--fix` run.
        let action = if server.resolves_code_action_edits {
            Some(lsp::CodeAction {
                title: FIX_ALL_TITLE.to_owned(),
                kind: Some(fix_all_kind()),
                data: Some(serde_json::json!({ "fixAll": params.text_document.uri })),
                ..Default::default()
            })
        } else {
            fix_all_action(&semantics, file, server.unit)
        };
        actions.extend(action.map(lsp::CodeActionOrCommand::CodeAction));
    }
    Some(actions)
}

fn fix_all_action(
    semantics: &Semantics<'_>,
    file: crate::source::FileId,
    unit: crate::source::ColumnUnit,
) -> Option<lsp::CodeAction> {
    let fixed = semantics.fix_all_in(file)?;
    Some(lsp::CodeAction {
        title: fixed.title,
        kind: Some(fix_all_kind()),
        edit: Some(convert::workspace_edit(semantics.snapshot, &fixed.edits, unit)),
        ..Default::default()
    })
}

/// Fills in the edits of the fix-all action sent without them.
fn resolve_code_action(server: &mut Server, action: lsp::CodeAction) -> Result<lsp::CodeAction, ResponseError> {
    let uri = action
        .data
        .as_ref()
        .and_then(|data| data.get("fixAll"))
        .and_then(|uri| serde_json::from_value::<lsp::Url>(uri.clone()).ok());
    let Some(uri) = uri else {
        return Ok(action);
    };
    let unit = server.unit;
    let resolved = server
        .snapshot_of(&uri)
        .and_then(|(snapshot, file)| fix_all_action(&Semantics::of(&snapshot), file, unit));
    resolved.ok_or_else(|| {
        error(
            ErrorCode::ContentModified,
            "the file changed and has nothing left to fix".to_owned(),
        )
    })
}

fn formatting(
    server: &mut Server,
    params: lsp::DocumentFormattingParams,
) -> Result<Option<Vec<lsp::TextEdit>>, ResponseError> {
    let Some((snapshot, file)) = server.snapshot_of(&params.text_document.uri) else {
        return Ok(None);
    };
    let Some(source) = snapshot.sources.get(file) else {
        return Ok(None);
    };
    match Semantics::of(&snapshot).formatting(file) {
        Ok(edits) => Ok(Some(
            edits
                .iter()
                .map(|edit| convert::text_edit(source, edit, server.unit))
                .collect(),
        )),
        Err(refusal) => Err(error(
            ErrorCode::RequestFailed,
            crate::format::refusal_message(&source.name, &refusal),
        )),
    }
}

/// At each leaf queue's line, the settings it inherits that differ from
/// the built-in defaults.
fn inlay_hints(server: &mut Server, params: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    let (snapshot, file) = server.snapshot_of(&params.text_document.uri)?;
    let source = snapshot.sources.get(file)?;
    let visible = convert::span(source, file, params.range, server.unit);
    let semantics = Semantics::of(&snapshot);
    let policy = &snapshot.analysis.policy;
    let mut hints = Vec::new();
    for (number, queue) in policy.queues.iter().enumerate() {
        let id = crate::resolve::QueueId(number);
        if !policy.has_entries(id) {
            continue;
        }
        for statement in queue.statements.iter().filter(|statement| statement.file == file) {
            let Some(node) = semantics.node(*statement) else {
                continue;
            };
            if node.span.end() < visible.start() || node.span.start() > visible.end() {
                continue;
            }
            let inherited = inherited_summary(&semantics, id, *statement);
            if inherited.is_empty() {
                continue;
            }
            let end_of_line = node.block().map_or(node.span.end(), |block| block.open.end());
            hints.push(lsp::InlayHint {
                position: convert::position(source, end_of_line, server.unit),
                label: lsp::InlayHintLabel::String(format!("inherits {inherited}")),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            });
        }
    }
    Some(hints)
}

/// "skip account creation: yes, records: option 2 (chat)": what a leaf
/// has in effect, other than the built-in defaults, that its block at
/// `statement` does not state itself: what it inherits, or what another
/// opening of the same queue (maybe in another file) sets.
fn inherited_summary(
    semantics: &Semantics<'_>,
    queue: crate::resolve::QueueId,
    statement: crate::syntax::NodeRef,
) -> String {
    let policy = &semantics.snapshot.analysis.policy;
    let stated_in_this_block = |setting: crate::syntax::NodeRef| {
        let parent = semantics.node(setting).and_then(|node| node.parent());
        let grandparent = parent.and_then(|parent| {
            semantics
                .node(crate::syntax::NodeRef {
                    file: setting.file,
                    node: parent,
                })?
                .parent()
        });
        setting.file == statement.file && (parent == Some(statement.node) || grandparent == Some(statement.node))
    };
    let own = |source: Source| match source {
        Source::Stated(id) => policy
            .assignment(id)
            .is_some_and(|stated| stated.statement.file == statement.file && stated_in_this_block(stated.statement)),
        Source::BuiltIn => true,
    };
    let call = semantics.provenance_at(queue, crate::vocabulary::Channel::Call);
    let chat = semantics.provenance_at(queue, crate::vocabulary::Channel::Chat);
    let mut parts = Vec::new();
    for (call, chat) in call.iter().zip(&chat) {
        let shown = |provenance: &crate::query::provenance::Provenance| {
            provenance.value != provenance.key.built_in_default()
                && provenance.chain.first().is_some_and(|source| !own(*source))
        };
        match (shown(call), shown(chat)) {
            (true, true) if call.value == chat.value => parts.push(format!("{}: {}", call.key, call.value)),
            (show_call, show_chat) => {
                if show_call {
                    parts.push(format!("{}: {} (call)", call.key, call.value));
                }
                if show_chat {
                    parts.push(format!("{}: {} (chat)", chat.key, chat.value));
                }
            }
        }
    }
    parts.join(", ")
}
