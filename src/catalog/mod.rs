//! Queue catalogs: the platform's own list of queues (the Manager API's
//! menus), exported as JSON (spec v2 §5, `docs/catalog.md`).
//!
//! In: the text of a catalog file and its [`FileId`]. Out: a
//! [`CatalogRead`]: either a [`Catalog`] (the merged queue tree, its
//! leaf/channel entries in catalog order, and the questions the checks ask
//! of it), or the [`CatalogProblem`]s that make the file unusable, each with
//! a byte span into the file so it can be reported there (E0302).
//!
//! The stages, one file each:
//!
//! 1. `json`: text → JSON events with byte offsets (an iterative pull
//!    parser; serde_json keeps no offsets).
//! 2. `read`: events → raw menus (the three shapes: an array, an object
//!    with a `menus` array, nested `children`), plus problems with fields
//!    of the wrong type.
//! 3. `tree`: raw menus → validated menus (ids, parents, cycles, names) →
//!    the merged tree by path, its channels, leaves and entries.
//! 4. `closest`: the "did you mean" for a path the catalog does not have.
//!
//! Nothing here recurses per level of nesting, so a chain 10,000 menus deep
//! costs heap, not stack; memory is linear in the file.

pub mod attach;
mod closest;
mod json;
mod number;
mod read;
mod tree;

pub use attach::{AttachedCatalog, CatalogOrigin, CatalogState};
pub use number::Number;
pub use tree::{Catalog, Entry, Menu, PathId, PathInfo};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, Span};
use crate::vocabulary::Channel;
use std::cmp::Ordering;
use std::fmt;

/// What reading a catalog file gave: a catalog when the file has no
/// problem at all, else none and every problem found.
#[derive(Debug)]
pub struct CatalogRead {
    pub catalog: Option<Catalog>,
    /// In file order. Empty exactly when `catalog` is `Some`.
    pub problems: Vec<CatalogProblem>,
}

/// Reads a catalog from its text. Never panics, whatever the text.
pub fn read_catalog(file: FileId, text: &str) -> CatalogRead {
    let (menus, mut problems) = read::read_menus(file, text);
    let catalog = tree::build(file, text, menus, &mut problems);
    problems.sort_by_key(|problem| (problem.span.start(), problem.span.end()));
    let catalog = if problems.is_empty() { catalog } else { None };
    CatalogRead { catalog, problems }
}

/// Reads a catalog file as loaded from disk: like [`read_catalog`], but a
/// file that is not valid UTF-8 (which JSON requires) is one problem at
/// the first invalid byte rather than a text with replacement characters.
pub fn read_catalog_file(file: FileId, source: &SourceFile) -> CatalogRead {
    if let Some(at) = source.invalid_utf8_at {
        let at = source.clamp(at);
        let end = source.text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        let problem = CatalogProblem::new(
            ProblemKind::NotJson,
            "the catalog is not valid UTF-8, so it is not JSON".to_owned(),
            Span::new(file, at, end),
            "not UTF-8",
        )
        .with_help("save the catalog as UTF-8");
        return CatalogRead {
            catalog: None,
            problems: vec![problem],
        };
    }
    read_catalog(file, &source.text)
}

/// A menu's `id`: a number or a string. `1` and `"1"` are different ids;
/// numbers are equal by value (`1` and `1.0` are one id).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MenuId {
    Number(Number),
    Text(String),
}

/// Numbers before strings; numbers by value, strings by text.
impl Ord for MenuId {
    fn cmp(&self, other: &MenuId) -> Ordering {
        match (self, other) {
            (MenuId::Number(a), MenuId::Number(b)) => a.cmp(b),
            (MenuId::Number(_), MenuId::Text(_)) => Ordering::Less,
            (MenuId::Text(_), MenuId::Number(_)) => Ordering::Greater,
            (MenuId::Text(a), MenuId::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for MenuId {
    fn partial_cmp(&self, other: &MenuId) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// As messages show it: `7`, or `"7"` for a string (hidden characters
/// written out, long ids cut).
impl fmt::Display for MenuId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MenuId::Number(number) => write!(f, "{number}"),
            MenuId::Text(text) => write!(f, "\"{}\"", crate::text::quoted(text)),
        }
    }
}

/// The channels a menu carries, or that lie below a path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ChannelSet {
    call: bool,
    chat: bool,
}

impl ChannelSet {
    pub const NONE: ChannelSet = ChannelSet {
        call: false,
        chat: false,
    };
    pub const BOTH: ChannelSet = ChannelSet { call: true, chat: true };

    pub fn only(channel: Channel) -> ChannelSet {
        ChannelSet::NONE.with(channel)
    }

    /// The channels of a menu with this `menu_type` (`None`: absent):
    /// `ivr_menu` calls, `web_menu` chats, `mobile_menu` and an absent type
    /// both, any other type chats (an assumption: the other menu types are
    /// messaging channels).
    pub fn of_menu_type(menu_type: Option<&str>) -> ChannelSet {
        match menu_type {
            Some("ivr_menu") => ChannelSet::only(Channel::Call),
            Some("web_menu") => ChannelSet::only(Channel::Chat),
            Some("mobile_menu") | None => ChannelSet::BOTH,
            Some(_) => ChannelSet::only(Channel::Chat),
        }
    }

    pub fn with(mut self, channel: Channel) -> ChannelSet {
        match channel {
            Channel::Call => self.call = true,
            Channel::Chat => self.chat = true,
        }
        self
    }

    pub fn union(self, other: ChannelSet) -> ChannelSet {
        ChannelSet {
            call: self.call || other.call,
            chat: self.chat || other.chat,
        }
    }

    pub fn contains(self, channel: Channel) -> bool {
        match channel {
            Channel::Call => self.call,
            Channel::Chat => self.chat,
        }
    }

    pub fn is_empty(self) -> bool {
        !self.call && !self.chat
    }

    /// In table order: `call` before `chat`.
    pub fn iter(self) -> impl Iterator<Item = Channel> {
        Channel::ALL.into_iter().filter(move |&channel| self.contains(channel))
    }
}

/// `call, chat`, `call`, `none`.
impl fmt::Display for ChannelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Channel::keyword).collect();
        if names.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&names.join(", "))
        }
    }
}

/// What is wrong with a catalog file; each is one E0302.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// Not JSON (or not UTF-8); the message says where, by line and column.
    NotJson,
    /// JSON, but neither an array of menus nor an object with a `menus` array.
    NotACatalog,
    /// An element of a menu list that is not an object.
    NotAMenu,
    MissingId,
    DuplicateId,
    /// A `parent_id` that is no menu's id.
    UnknownParent,
    /// A `parent_id` of a menu nested in `children` that names another menu
    /// than the one it is nested in.
    ConflictingParent,
    /// Menus that are each other's ancestors.
    Cycle,
    MissingName,
    /// A name that is empty or only white space.
    EmptyName,
    /// A field whose value has the wrong JSON type.
    WrongType,
    /// The same field twice in one menu (or `menus` twice).
    RepeatedField,
}

/// One reason the catalog cannot be used, located in the catalog file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogProblem {
    pub kind: ProblemKind,
    /// One line, lower case, no final period, as diagnostics write it.
    pub message: String,
    /// Where the problem is; the primary label's span.
    pub span: Span,
    pub label: String,
    /// Other places involved (the first menu with a duplicated id, the
    /// other members of a cycle), each with its label.
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl CatalogProblem {
    pub(crate) fn new(kind: ProblemKind, message: String, span: Span, label: impl Into<String>) -> CatalogProblem {
        CatalogProblem {
            kind,
            message,
            span,
            label: label.into(),
            related: Vec::new(),
            help: None,
        }
    }

    pub(crate) fn with_related(mut self, span: Span, label: impl Into<String>) -> CatalogProblem {
        self.related.push((span, label.into()));
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> CatalogProblem {
        self.help = Some(help.into());
        self
    }

    /// The problem as a diagnostic with `code` (E0302 once the code exists).
    pub fn to_diagnostic(&self, code: Code) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(code, self.message.clone()).with_primary(self.span, self.label.clone());
        for (span, label) in &self.related {
            diagnostic = diagnostic.with_secondary(*span, label.clone());
        }
        match &self.help {
            Some(help) => diagnostic.with_help(help.clone()),
            None => diagnostic,
        }
    }
}
