//! Stage 1 and 2: text to syntax tree.
//!
//! In: a [`SourceSet`]. Out: one [`SyntaxTree`] per file, with byte spans on
//! every statement and word, plus the syntax diagnostics (E0001, E0008).
//! Later stages never see pest types.

pub mod ast;
mod parser;
mod queue_path;

pub use ast::{Block, CrmDecl, Node, NodeId, NodeKind, NodeRef, QueueDecl, QueueName, SettingStmt, SyntaxTree};
pub use parser::{ParsedFile, parse_file};
pub(crate) use parser::{closing_quote, unescape_name};
pub use queue_path::parse_queue_path;

use crate::diagnostic::Diagnostic;
use crate::source::SourceSet;
use std::sync::Arc;

/// Parses every file of a policy set.
pub fn parse_set(sources: &SourceSet) -> (Vec<Arc<SyntaxTree>>, Vec<Diagnostic>) {
    let mut trees = Vec::with_capacity(sources.len());
    let mut diagnostics = Vec::new();
    for (id, file) in sources.iter() {
        let parsed = parse_file(id, file);
        trees.push(parsed.tree);
        diagnostics.extend(parsed.diagnostics);
    }
    (trees, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{SettingKey, SettingValue};
    use crate::source::{FileId, SourceFile};
    use crate::vocabulary::Channel;

    #[test]
    fn a_queue_name_repeated_across_paths_is_kept_once() {
        let parsed = parse("queue \"Sales\" / \"A\" {\n}\nqueue \"Sales\" / \"B\" {\n}\nqueue \"Sal\\\"es\" {\n}\n");
        let paths: Vec<&QueueDecl> = parsed
            .tree
            .nodes()
            .filter_map(|(_, node)| match &node.kind {
                NodeKind::Queue(decl) => Some(decl),
                _ => None,
            })
            .collect();
        let [first, second, escaped] = paths.as_slice() else {
            panic!("three queues expected")
        };
        assert!(Arc::ptr_eq(&first.path[0].name, &second.path[0].name));
        assert!(!Arc::ptr_eq(&first.path[1].name, &second.path[1].name));
        assert_eq!(&*escaped.path[0].name, "Sal\"es");
        let trees = [parsed.tree.clone()];
        let policy = crate::resolve::resolve(&trees, None);
        let sales = policy
            .queue_by_path(&["Sales"])
            .and_then(|id| policy.queue(id))
            .expect("Sales");
        assert!(
            Arc::ptr_eq(&sales.name, &first.path[0].name),
            "the queue tree shares the name too"
        );
    }

    #[test]
    fn names_and_values_spelt_as_the_vocabulary_spells_them_are_borrowed() {
        use std::borrow::Cow;
        let parsed = parse(
            "defaults {\n    skip record creation: yes\n    skip  record creation:  YES\n    append to closed records within: 30 days\n}\n",
        );
        let settings: Vec<(bool, bool, String)> = parsed
            .tree
            .nodes()
            .filter_map(|(_, node)| match &node.kind {
                NodeKind::Setting(stmt) => {
                    let written = stmt.written_value.as_ref()?;
                    Some((
                        matches!(stmt.name.value, Cow::Borrowed(_)),
                        matches!(written.value, Cow::Borrowed(_)),
                        written.value.to_string(),
                    ))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            settings,
            [
                (true, true, "yes".to_owned()),
                (true, false, "YES".to_owned()),
                (true, false, "30 days".to_owned())
            ]
        );
    }

    fn parse(text: &str) -> ParsedFile {
        parse_file(FileId(0), &SourceFile::from_text("test.crmpol", text))
    }

    /// A compact picture of the tree: one line per statement, indented.
    fn outline(tree: &SyntaxTree) -> Vec<String> {
        let mut lines = Vec::new();
        let mut pending: Vec<(NodeId, usize)> = tree.roots().map(|(id, _)| (id, 0)).rev().collect();
        while let Some((id, depth)) = pending.pop() {
            let Some(node) = tree.node(id) else { continue };
            let what = match &node.kind {
                NodeKind::Crm(decl) => format!("crm {:?}", decl.crm),
                NodeKind::Catalog(decl) => format!("catalog {:?}", decl.path.as_ref().map(|p| &p.value)),
                NodeKind::Defaults => "defaults".to_owned(),
                NodeKind::Queue(decl) => {
                    let names: Vec<&str> = decl.path.iter().map(|name| &*name.name).collect();
                    format!("queue {names:?}")
                }
                NodeKind::Channel(channel) => format!("channel {}", channel.value),
                NodeKind::Setting(stmt) => format!("{:?} = {:?}", stmt.key, stmt.value),
                NodeKind::Unparsed => "unparsed".to_owned(),
            };
            lines.push(format!("{}{what}", "  ".repeat(depth)));
            let children: Vec<(NodeId, usize)> = tree.children(id).map(|(child, _)| (child, depth + 1)).collect();
            pending.extend(children.into_iter().rev());
        }
        lines
    }

    #[test]
    fn builds_nested_blocks_with_paths_and_channels() {
        let parsed = parse(
            "crm: zendesk\ndefaults {\n  chat {\n    records: option 2\n  }\n}\n\
             queue \"A\" / \"B\" {\n  skip account lookup: yes\n  queue \"C\"\n}\n",
        );
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert_eq!(
            outline(&parsed.tree),
            [
                "crm Some(Zendesk)",
                "defaults",
                "  channel chat",
                "    Some(Records) = Some(Choice(Records, 1))",
                "queue [\"A\", \"B\"]",
                "  Some(SkipAccountLookup) = Some(Flag(true))",
                "  queue [\"C\"]",
            ]
        );
    }

    #[test]
    fn reads_the_catalog_path_and_reports_each_slip_once() {
        let cases: [(&str, Option<&str>, usize); 9] = [
            (
                "catalog: \"platform/menus.json\"  # ours\n",
                Some("platform/menus.json"),
                0,
            ),
            ("catalog:\"a \\\"b\\\".json\"\n", Some("a \"b\".json"), 0),
            ("catalog: \"with#hash.json\"\n", Some("with#hash.json"), 0),
            ("catalog: platform/menus.json\n", Some("platform/menus.json"), 1),
            ("catalog: \"platform/menus.json\n", Some("platform/menus.json"), 1),
            ("catalog: \"a.json\" extra\n", Some("a.json"), 1),
            ("catalog: \"  \"\n", None, 1),
            ("catalog:\n", None, 1),
            ("CATALOG: \"a.json\"\n", Some("a.json"), 1),
        ];
        for (text, path, errors) in cases {
            let parsed = parse(text);
            assert_eq!(parsed.diagnostics.len(), errors, "{text:?}: {:?}", parsed.diagnostics);
            let expected = format!("catalog {:?}", path.map(str::to_owned).as_ref());
            assert_eq!(outline(&parsed.tree), [expected], "{text:?}");
        }
        let misplaced = parse("defaults {\n  catalog: \"a.json\"\n}\n");
        assert_eq!(misplaced.diagnostics.len(), 1, "{:?}", misplaced.diagnostics);
        assert!(
            misplaced.diagnostics[0]
                .message
                .contains("`catalog:` cannot stand inside `defaults`")
        );
    }

    #[test]
    fn spans_cover_exactly_the_words() {
        let text = "queue \"Sup\\\"port\" {\n\tskip  record\tcreation :  yes   # why\n}\n";
        let parsed = parse(text);
        let (queue_id, queue) = parsed.tree.roots().next().expect("a queue");
        let NodeKind::Queue(decl) = &queue.kind else {
            panic!("not a queue")
        };
        assert_eq!(&*decl.path[0].name, "Sup\"port");
        assert_eq!(&text[decl.path[0].span.range()], "\"Sup\\\"port\"");
        let block = queue.block().expect("a block");
        assert_eq!(&text[block.open.range()], "{");
        assert_eq!(&text[block.close.expect("closed").range()], "}");

        let (_, setting) = parsed.tree.children(queue_id).next().expect("a setting");
        let NodeKind::Setting(stmt) = &setting.kind else {
            panic!("not a setting")
        };
        assert_eq!(stmt.name.value, "skip record creation");
        assert_eq!(&text[stmt.name.span.range()], "skip  record\tcreation");
        assert_eq!(stmt.key, Some(SettingKey::SkipRecordCreation));
        assert_eq!(stmt.value, Some(SettingValue::Flag(true)));
        assert_eq!(&text[setting.span.range()], "skip  record\tcreation :  yes");
        assert_eq!(&text[parsed.tree.comments[0].range()], "# why");
    }

    #[test]
    fn empty_block_on_one_line_is_closed() {
        let parsed = parse("queue \"A\" {}\nqueue \"B\" { }\n");
        assert!(parsed.diagnostics.is_empty());
        for (_, node) in parsed.tree.roots() {
            assert!(node.block().and_then(|block| block.close).is_some());
        }
    }

    #[test]
    fn crlf_line_ends_are_not_part_of_values() {
        let parsed = parse("crm: custom\r\nqueue \"A\" {\r\n    call {\r\n        records: option 1\r\n    }\r\n}\r\n");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let channel = parsed.tree.nodes().find_map(|(_, node)| match &node.kind {
            NodeKind::Channel(channel) => Some(channel.value),
            _ => None,
        });
        assert_eq!(channel, Some(Channel::Call));
    }

    #[test]
    fn a_slash_inside_quotes_is_part_of_the_name() {
        let parsed = parse("queue \"A/B\"\nqueue \"A\" / \"B\"\n");
        let paths: Vec<Vec<String>> = parsed
            .tree
            .roots()
            .filter_map(|(_, node)| match &node.kind {
                NodeKind::Queue(decl) => Some(decl.path.iter().map(|name| name.name.to_string()).collect()),
                _ => None,
            })
            .collect();
        assert_eq!(paths, [vec!["A/B".to_owned()], vec!["A".to_owned(), "B".to_owned()]]);
    }
}
