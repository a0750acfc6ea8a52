//! A policy as the test writes it: its statements and queue tree, and the
//! policy text (spec v1 §3) they become.
//!
//! In: a CRM name, queue paths, statements (scope, block, setting, value).
//! Out: [`Policy`] with its `.crmpol` text and its leaf queues in tree order.

use crate::model::{Setting, Value};

/// Where a statement stands: in `defaults`, or in the queue with this path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Defaults,
    Queue(Vec<&'static str>),
}

/// Outside channel blocks, or inside `call { }` / `chat { }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    Plain,
    Call,
    Chat,
}

#[derive(Clone, Debug)]
pub struct Statement {
    pub scope: Scope,
    pub block: Block,
    pub setting: Setting,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub crm: &'static str,
    /// Every queue path, parents before children, in the order written.
    pub queues: Vec<Vec<&'static str>>,
    pub statements: Vec<Statement>,
    /// Use the other accepted spellings (`ccaip session`, `1 days`).
    pub alternate_spelling: bool,
}

impl Policy {
    pub fn new(crm: &'static str, alternate_spelling: bool) -> Policy {
        Policy {
            crm,
            queues: Vec::new(),
            statements: Vec::new(),
            alternate_spelling,
        }
    }

    /// Adds a queue (and any missing parent).
    pub fn queue(&mut self, path: &[&'static str]) {
        for depth in 1..=path.len() {
            let prefix = path[..depth].to_vec();
            if !self.queues.contains(&prefix) {
                self.queues.push(prefix);
            }
        }
    }

    pub fn state(&mut self, scope: Scope, block: Block, setting: Setting, value: Value) {
        if let Scope::Queue(path) = &scope {
            self.queue(&path.clone());
        }
        self.statements.push(Statement {
            scope,
            block,
            setting,
            value,
        });
    }

    /// The leaf queues (no sub-queue), in tree order of first appearance.
    pub fn leaves(&self) -> Vec<Vec<&'static str>> {
        self.tree_order()
            .into_iter()
            .filter(|path| !self.queues.iter().any(|q| q.len() > path.len() && q.starts_with(path)))
            .collect()
    }

    fn children(&self, parent: &[&'static str]) -> Vec<Vec<&'static str>> {
        self.queues
            .iter()
            .filter(|q| q.len() == parent.len() + 1 && q.starts_with(parent))
            .cloned()
            .collect()
    }

    fn tree_order(&self) -> Vec<Vec<&'static str>> {
        fn walk(policy: &Policy, path: Vec<&'static str>, out: &mut Vec<Vec<&'static str>>) {
            for child in policy.children(&path) {
                out.push(child.clone());
                walk(policy, child, out);
            }
        }
        let mut out = Vec::new();
        walk(self, Vec::new(), &mut out);
        out
    }

    pub fn text(&self) -> String {
        let mut writer = Writer {
            text: format!("crm: {}\n", self.crm),
            depth: 0,
        };
        if self.statements.iter().any(|s| s.scope == Scope::Defaults) {
            writer.line("");
            writer.open("defaults");
            self.write_body(&mut writer, &Scope::Defaults);
            writer.close();
        }
        for top in self.children(&[]) {
            writer.line("");
            self.write_queue(&mut writer, top);
        }
        writer.text
    }

    fn write_queue(&self, writer: &mut Writer, path: Vec<&'static str>) {
        let header = format!("queue \"{}\"", path.last().expect("a queue path is not empty"));
        let scope = Scope::Queue(path.clone());
        let children = self.children(&path);
        if children.is_empty() && !self.statements.iter().any(|s| s.scope == scope) {
            writer.line(&header);
            return;
        }
        writer.open(&header);
        self.write_body(writer, &scope);
        for child in children {
            self.write_queue(writer, child);
        }
        writer.close();
    }

    fn write_body(&self, writer: &mut Writer, scope: &Scope) {
        for (block, header) in [(Block::Plain, ""), (Block::Call, "call"), (Block::Chat, "chat")] {
            let lines: Vec<String> = self
                .statements
                .iter()
                .filter(|s| &s.scope == scope && s.block == block)
                .map(|s| format!("{}: {}", s.setting.name(), s.value.text(self.alternate_spelling)))
                .collect();
            if lines.is_empty() {
                continue;
            }
            if block != Block::Plain {
                writer.open(header);
            }
            for line in &lines {
                writer.line(line);
            }
            if block != Block::Plain {
                writer.close();
            }
        }
    }
}

struct Writer {
    text: String,
    depth: usize,
}

impl Writer {
    fn line(&mut self, line: &str) {
        if !line.is_empty() {
            self.text.push_str(&"    ".repeat(self.depth));
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    fn open(&mut self, header: &str) {
        self.line(&format!("{header} {{"));
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth -= 1;
        self.line("}");
    }
}
