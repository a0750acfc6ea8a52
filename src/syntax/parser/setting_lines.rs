//! Setting lines read before: a line's text in, the setting statement it
//! made out, so that a line repeating an earlier one (most settings of a
//! large policy) is neither read by pest again nor built again.
//!
//! A setting statement depends on its line alone; where it stands (and
//! whether it may stand there) is decided again for each line, when it is
//! added to the tree.

use crate::source::{Span, Spanned};
use crate::syntax::ast::SettingStmt;
use rustc_hash::FxHashMap;

#[derive(Default)]
pub(super) struct SettingLines<'a> {
    seen: FxHashMap<&'a str, SettingLine>,
}

/// A statement made of a line, its spans counted from the line's start.
struct SettingLine {
    stmt: SettingStmt,
    span: Span,
}

impl<'a> SettingLines<'a> {
    /// Lines kept at most: a file of ten thousand different settings keeps
    /// the first ones, and reads the others as before.
    const CAPACITY: usize = 4096;

    /// The statement `text` made when read before, with its span, placed
    /// at `line_start`.
    pub(super) fn get(&self, text: &str, line_start: usize) -> Option<(SettingStmt, Span)> {
        let seen = self.seen.get(text)?;
        let mut stmt = seen.stmt.clone();
        stmt.name.span = moved(stmt.name.span, line_start);
        if let Some(written) = stmt.written_value.as_mut() {
            written.span = moved(written.span, line_start);
        }
        Some((stmt, moved(seen.span, line_start)))
    }

    /// Keeps the statement a line starting at `line_start` made, when the
    /// line was that statement and nothing else.
    pub(super) fn remember(&mut self, text: &'a str, line_start: usize, stmt: &SettingStmt, span: Span) {
        if self.seen.len() >= Self::CAPACITY || self.seen.contains_key(text) {
            return;
        }
        let back = |span: Span| {
            Span::new(
                span.file(),
                span.start().saturating_sub(line_start),
                span.end().saturating_sub(line_start),
            )
        };
        let stmt = SettingStmt {
            name: Spanned::new(stmt.name.value.clone(), back(stmt.name.span)),
            key: stmt.key,
            written_value: stmt
                .written_value
                .as_ref()
                .map(|written| Spanned::new(written.value.clone(), back(written.span))),
            value: stmt.value,
        };
        self.seen.insert(text, SettingLine { stmt, span: back(span) });
    }
}

fn moved(span: Span, by: usize) -> Span {
    Span::new(span.file(), span.start() + by, span.end() + by)
}

#[cfg(test)]
mod tests {
    use crate::source::{FileId, SourceFile};
    use crate::syntax::parse_file;

    use super::super::read_from as read_at;

    /// Independent of the cache: a setting line read a second time (so from
    /// the first reading) becomes the same statement, with the same
    /// diagnostics, as when a comment of the same length stands before it
    /// (so it is read on its own), inside a block and where it may not stand.
    #[test]
    fn a_repeated_setting_line_is_read_as_it_reads_alone() {
        let lines = [
            "    skip account creation: yes",
            "\tskip   account\tcreation :  yes  ",
            "    skip account creation: perhaps",
            "    skip acount creation: yes",
            "    records: default",
            "    map session data to: ccaas session",
            "    delay record creation:",
            "    skip record creation: yes # why",
            "    CRM: salesforce",
            "    skip record creation: yes }",
            "",
        ];
        for line in lines {
            let comment = format!("#{}", " ".repeat(line.len().saturating_sub(1)));
            for (open, close) in [("queue \"Q\" {\n", "}\n"), ("", "")] {
                let start = open.len() + line.len() + 1;
                let twice = read_at(&format!("{open}{line}\n{line}\n{close}"), start);
                let alone = read_at(&format!("{open}{comment}\n{line}\n{close}"), start);
                assert_eq!(twice, alone, "{line:?} after {open:?}");
            }
        }
    }

    #[test]
    fn only_a_line_that_is_one_setting_is_kept() {
        let text = "queue \"Q\" {\n    skip record creation: yes\n    skip record creation: yes # why\n    CRM: x\n}\n";
        let source = SourceFile::from_text("t.crmpol", text);
        let mut lines = super::SettingLines::default();
        let parsed = parse_file(FileId(0), &source);
        for (_, node) in parsed.tree.nodes() {
            if let crate::syntax::NodeKind::Setting(stmt) = &node.kind {
                let line = source.slice(source.full_lines(node.span)).trim_end_matches('\n');
                let start = source.full_lines(node.span).start();
                lines.remember(line, start, stmt, node.span);
            }
        }
        let (stmt, span) = lines
            .get("    skip record creation: yes", 100)
            .expect("the plain setting is kept");
        assert_eq!((span.start(), span.end()), (104, 129));
        assert_eq!((stmt.name.span.start(), stmt.name.span.end()), (104, 124));
    }
}
