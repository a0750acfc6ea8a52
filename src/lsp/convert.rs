//! Between the library's byte spans and the protocol's types.
//!
//! In: spans, diagnostics, edits, symbols and completions of
//! [`crate::query`]; positions and URIs from the client. Out: the same in
//! `lsp-types`. Positions count columns in the encoding negotiated at
//! `initialize` (UTF-8 bytes, UTF-16 units or code points), converted
//! exactly through each file's line index.

use crate::diagnostic::{Code, Diagnostic, Edit, Severity};
use crate::query::complete::{Completion, CompletionKind};
use crate::query::symbols::{Symbol, SymbolKind};
use crate::source::{ColumnUnit, FileId, SourceFile, Span};
use crate::workspace::Snapshot;
use lsp_types as lsp;
use std::collections::HashMap;
use std::path::Path;

/// Where each code is documented, for `codeDescription`.
pub const DIAGNOSTICS_DOCS_URL: &str = "https://github.com/crmpol/crmpol/blob/main/docs/diagnostics.md";

/// The position encoding to use: UTF-8 when the client offers it (no
/// conversion at all), else UTF-32, else UTF-16, which every client speaks.
pub fn negotiate_encoding(capabilities: &lsp::ClientCapabilities) -> (lsp::PositionEncodingKind, ColumnUnit) {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_deref())
        .unwrap_or_default();
    let preferences = [
        (lsp::PositionEncodingKind::UTF8, ColumnUnit::Bytes),
        (lsp::PositionEncodingKind::UTF32, ColumnUnit::CodePoints),
    ];
    preferences
        .into_iter()
        .find(|(kind, _)| offered.contains(kind))
        .unwrap_or((lsp::PositionEncodingKind::UTF16, ColumnUnit::Utf16))
}

/// The workspace key of a document: the path of a `file:` URI, else the
/// URI itself (an unsaved buffer).
pub fn key_of(uri: &lsp::Url) -> String {
    match uri.scheme() {
        "file" => uri
            .to_file_path()
            .map_or_else(|()| uri.to_string(), |path| path.display().to_string()),
        _ => uri.to_string(),
    }
}

/// The URI of a workspace key.
pub fn uri_of(key: &str) -> Option<lsp::Url> {
    if Path::new(key).is_absolute() {
        lsp::Url::from_file_path(key).ok()
    } else {
        lsp::Url::parse(key).ok()
    }
}

/// A byte-order mark is not part of a file's text here, but it is a
/// character of the document the client shows: on the first line, columns
/// are one character further.
fn bom_width(file: &SourceFile, line: usize, unit: ColumnUnit) -> usize {
    match (file.had_bom && line == 0, unit) {
        (false, _) => 0,
        (true, ColumnUnit::Bytes) => '\u{feff}'.len_utf8(),
        (true, ColumnUnit::Utf16 | ColumnUnit::CodePoints) => 1,
    }
}

pub fn position(file: &SourceFile, offset: usize, unit: ColumnUnit) -> lsp::Position {
    let offset = file.clamp(offset);
    let line = file.line_of(offset);
    lsp::Position {
        line: to_u32(line),
        character: to_u32(file.column_in(offset, unit) + bom_width(file, line, unit)),
    }
}

pub fn range(file: &SourceFile, span: Span, unit: ColumnUnit) -> lsp::Range {
    lsp::Range {
        start: position(file, span.start(), unit),
        end: position(file, span.end().max(span.start()), unit),
    }
}

/// The byte offset of a client position; positions past a line's end or
/// the file's end are taken as those ends.
pub fn offset(file: &SourceFile, position: lsp::Position, unit: ColumnUnit) -> usize {
    let line = position.line as usize;
    let character = (position.character as usize).saturating_sub(bom_width(file, line, unit));
    file.offset_at(line, character, unit)
}

pub fn span(file: &SourceFile, id: FileId, range: lsp::Range, unit: ColumnUnit) -> Span {
    let start = offset(file, range.start, unit);
    let end = offset(file, range.end, unit);
    Span::new(id, start.min(end), end.max(start))
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A location in any file of a snapshot.
pub fn location(snapshot: &Snapshot, span: Span, unit: ColumnUnit) -> Option<lsp::Location> {
    let file = snapshot.sources.get(span.file())?;
    Some(lsp::Location {
        uri: uri_of(snapshot.key(span.file())?)?,
        range: range(file, span, unit),
    })
}

/// A diagnostic as the client shows it, and the file it belongs to (its
/// primary label's; a diagnostic with no place goes to the first file).
pub fn diagnostic(snapshot: &Snapshot, diagnostic: &Diagnostic, unit: ColumnUnit) -> (FileId, lsp::Diagnostic) {
    let primary = diagnostic.primary_span();
    let file_id = primary.map_or(FileId(0), |span| span.file());
    let range_in_file = snapshot
        .sources
        .get(file_id)
        .map(|file| range(file, primary.unwrap_or(Span::new(file_id, 0, 0)), unit))
        .unwrap_or_default();
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for note in &diagnostic.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    // Every label but the one the diagnostic is reported at.
    let reported_at = diagnostic.labels.iter().position(|label| Some(label.span) == primary);
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .enumerate()
        .filter(|(index, _)| Some(*index) != reported_at)
        .filter_map(|(_, label)| {
            Some(lsp::DiagnosticRelatedInformation {
                location: location(snapshot, label.span, unit)?,
                message: if label.message.is_empty() {
                    "here".to_owned()
                } else {
                    label.message.clone()
                },
            })
        })
        .collect();
    let converted = lsp::Diagnostic {
        range: range_in_file,
        severity: Some(match diagnostic.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(diagnostic.code.to_string())),
        code_description: code_description(diagnostic.code),
        source: Some("crmpol".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary(diagnostic.code).then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    };
    (file_id, converted)
}

fn code_description(code: Code) -> Option<lsp::CodeDescription> {
    let href = lsp::Url::parse(&format!("{DIAGNOSTICS_DOCS_URL}#{}", code.as_str().to_lowercase())).ok()?;
    Some(lsp::CodeDescription { href })
}

/// Findings about text that does nothing: an editor may fade it.
fn unnecessary(code: Code) -> bool {
    matches!(code, Code::W0201 | Code::W0202 | Code::W0206)
}

/// Edits, in one or more files, as one workspace edit.
pub fn workspace_edit(snapshot: &Snapshot, edits: &[Edit], unit: ColumnUnit) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<lsp::Url, Vec<lsp::TextEdit>> = HashMap::new();
    for edit in edits {
        let (Some(file), Some(uri)) = (
            snapshot.sources.get(edit.span.file()),
            snapshot.key(edit.span.file()).and_then(uri_of),
        ) else {
            continue;
        };
        changes.entry(uri).or_default().push(text_edit(file, edit, unit));
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..lsp::WorkspaceEdit::default()
    }
}

pub fn text_edit(file: &SourceFile, edit: &Edit, unit: ColumnUnit) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(file, edit.span, unit),
        new_text: edit.replacement.clone(),
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be given.
pub fn document_symbol(file: &SourceFile, symbol: Symbol, unit: ColumnUnit) -> lsp::DocumentSymbol {
    let children: Vec<lsp::DocumentSymbol> = symbol
        .children
        .into_iter()
        .map(|child| document_symbol(file, child, unit))
        .collect();
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: range(file, symbol.span, unit),
        selection_range: range(file, symbol.selection, unit),
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Crm => lsp::SymbolKind::CONSTANT,
        SymbolKind::Catalog => lsp::SymbolKind::FILE,
        SymbolKind::Defaults => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Queue => lsp::SymbolKind::MODULE,
        SymbolKind::Channel => lsp::SymbolKind::STRUCT,
        SymbolKind::Setting => lsp::SymbolKind::PROPERTY,
    }
}

pub fn completion_item(file: &SourceFile, completion: Completion, unit: ColumnUnit) -> lsp::CompletionItem {
    let kind = match completion.kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Setting => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        CompletionKind::Crm => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Queue => lsp::CompletionItemKind::MODULE,
    };
    lsp::CompletionItem {
        label: completion.label,
        kind: Some(kind),
        detail: completion.detail,
        documentation: completion.documentation.map(|markdown| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown.to_owned(),
            })
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(file, completion.replace, unit),
            new_text: completion.insert,
        })),
        ..lsp::CompletionItem::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_round_trip_in_every_encoding() {
        // Emoji, CJK and a combining mark before and after the name.
        let text = "queue \"🎉日e\u{301}\" / \"x\" # 🎉日e\u{301}\n";
        let file = SourceFile::from_text("p.crmpol", text);
        let start = text.find("\"x\"").expect("x");
        let name = Span::new(FileId(0), start, start + 3);
        let expected = [
            (ColumnUnit::Bytes, start),
            (ColumnUnit::Utf16, "queue \"".len() + 2 + 1 + 2 + "\" / ".len()),
            (ColumnUnit::CodePoints, "queue \"".len() + 1 + 1 + 2 + "\" / ".len()),
        ];
        for (unit, column) in expected {
            let converted = range(&file, name, unit);
            assert_eq!(converted.start.character as usize, column, "{unit:?}");
            assert_eq!(converted.end.character as usize, column + 3, "{unit:?}");
            assert_eq!(span(&file, FileId(0), converted, unit), name, "{unit:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_a_character_of_the_first_line() {
        let file = SourceFile::from_text("p.crmpol", "\u{feff}crm: x\nab\n");
        let x = file.text.find('x').expect("x");
        assert_eq!(position(&file, x, ColumnUnit::Utf16).character, 6);
        assert_eq!(position(&file, x, ColumnUnit::Bytes).character, 8);
        let at = |line, character| offset(&file, lsp::Position { line, character }, ColumnUnit::Utf16);
        assert_eq!(at(0, 6), x);
        assert_eq!(at(0, 0), 0, "before the mark is the start of the text");
        assert_eq!(at(1, 1), file.text.find('b').expect("b"), "later lines are not shifted");
    }

    #[test]
    fn keys_and_uris() {
        let uri = lsp::Url::parse("file:///tmp/a%20b/p.crmpol").expect("uri");
        assert_eq!(key_of(&uri), "/tmp/a b/p.crmpol");
        assert_eq!(uri_of("/tmp/a b/p.crmpol"), Some(uri));
        let untitled = lsp::Url::parse("untitled:Untitled-1").expect("uri");
        assert_eq!(key_of(&untitled), "untitled:Untitled-1");
        assert_eq!(uri_of("untitled:Untitled-1"), Some(untitled));
    }

    #[test]
    fn utf16_unless_the_client_offers_better() {
        let mut capabilities = lsp::ClientCapabilities::default();
        assert_eq!(negotiate_encoding(&capabilities).1, ColumnUnit::Utf16);
        capabilities.general = Some(lsp::GeneralClientCapabilities {
            position_encodings: Some(vec![lsp::PositionEncodingKind::UTF16, lsp::PositionEncodingKind::UTF32]),
            ..Default::default()
        });
        assert_eq!(negotiate_encoding(&capabilities).1, ColumnUnit::CodePoints);
    }
}
