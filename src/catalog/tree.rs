//! From raw menus to the merged queue tree.
//!
//! In: the raw menus of a catalog file, in document order, and the problems
//! reading them found. Out: more problems (a missing or duplicate `id`, a
//! `parent_id` that names no menu or contradicts the nesting, a cycle, a
//! missing or empty name), or, when there are none at all, a [`Catalog`]:
//!
//! 1. Every menu's parent: its `parent_id`, or the menu whose `children`
//!    hold it.
//! 2. Deleted menus are removed, with everything below them.
//! 3. The rest are merged by path (the names from the top-level ancestor
//!    down): a path's channels and children are the unions of its menus'.
//! 4. Path P is a leaf for channel C when a menu with path P carries C and
//!    no menu carrying C lies below P. The entries are those (P, C) pairs,
//!    walking the tree from the top down, the children of each path sorted
//!    by the smallest (`position`, `id`) among their menus, `call` before
//!    `chat`.
//!
//! Every walk here is a loop over indexes, never a recursion, so the depth
//! of the tree costs no stack.

use super::read::RawMenu;
use super::{CatalogProblem, ChannelSet, MenuId, Number, ProblemKind};
use crate::source::{FileId, Span};
use crate::vocabulary::Channel;
use std::collections::HashMap;

/// A path of the merged tree, by index. Only meaningful with the
/// [`Catalog`] it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathId(usize);

/// The virtual root above the top-level menus: the empty path.
const ROOT: PathId = PathId(0);

/// One leaf/channel entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub path: PathId,
    pub channel: Channel,
}

/// What the catalog says about one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathInfo {
    pub id: PathId,
    /// The channels the (non-deleted) menus with this path carry.
    pub channels: ChannelSet,
    /// The channels some menu strictly below this path carries.
    pub below: ChannelSet,
}

impl PathInfo {
    /// Whether (this path, `channel`) is an entry.
    pub fn is_leaf_for(self, channel: Channel) -> bool {
        self.channels.contains(channel) && !self.below.contains(channel)
    }

    /// The channels of the entries at or below this path: a policy's
    /// channel block on this path applies to some entry exactly for these.
    pub fn channels_at_or_below(self) -> ChannelSet {
        self.channels.union(self.below)
    }
}

/// One menu of the catalog, deleted ones included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Menu {
    pub id: MenuId,
    pub name: String,
    /// The menu object, or its `{` when it is long (see the reader).
    pub span: Span,
    pub name_span: Span,
    pub menu_type: Option<String>,
    pub channels: ChannelSet,
    pub position: Option<Number>,
    /// `deleted: true` as written.
    pub deleted: bool,
    /// Deleted, or below a deleted menu: not part of the merged tree.
    pub removed: bool,
    /// The parent menu, as an index into [`Catalog::menus`].
    pub parent: Option<usize>,
    pub path: PathId,
}

/// A path of the merged tree.
#[derive(Clone, Debug)]
struct Node {
    name: String,
    parent: Option<PathId>,
    depth: usize,
    /// Characters of the path's names, separators not counted.
    chars: usize,
    /// The menus with this path, removed ones included, in catalog order.
    menus: Vec<usize>,
    /// Some menu with this path is not removed.
    live: bool,
    channels: ChannelSet,
    below: ChannelSet,
    /// The live children, in catalog order.
    children: Vec<PathId>,
    /// The smallest (position, id) of the live menus.
    key: Option<SortKey>,
}

impl Node {
    fn new(name: String, parent: Option<&Node>, parent_id: Option<PathId>) -> Node {
        Node {
            depth: parent.map_or(0, |parent| parent.depth + 1),
            chars: parent.map_or(0, |parent| parent.chars) + name.chars().count(),
            name,
            parent: parent_id,
            menus: Vec::new(),
            live: false,
            channels: ChannelSet::NONE,
            below: ChannelSet::NONE,
            children: Vec::new(),
            key: None,
        }
    }
}

/// Catalog order among siblings: menus with a `position` first, by
/// position, then by id (numbers before strings).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey {
    unpositioned: bool,
    position: Option<Number>,
    id: MenuId,
}

/// A catalog without problems: its menus, the merged tree and its entries.
#[derive(Clone, Debug)]
pub struct Catalog {
    file: FileId,
    menus: Vec<Menu>,
    nodes: Vec<Node>,
    by_name: HashMap<(PathId, String), PathId>,
    entries: Vec<Entry>,
}

impl Catalog {
    /// The catalog file.
    pub fn file(&self) -> FileId {
        self.file
    }

    /// Every menu, deleted ones included, in catalog file order.
    pub fn menus(&self) -> &[Menu] {
        &self.menus
    }

    /// The (leaf, channel) entries in catalog order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The names of a path, from the top level down.
    pub fn path(&self, id: PathId) -> Vec<&str> {
        let mut names = Vec::new();
        let mut current = Some(id);
        while let Some(node) = current.filter(|&id| id != ROOT).and_then(|id| self.node(id)) {
            names.push(node.name.as_str());
            current = node.parent;
        }
        names.reverse();
        names
    }

    /// A path as messages show it, `"Support" / "Billing"`, the way
    /// [`crate::resolve::ResolvedPolicy::display_path`] shows a policy's.
    pub fn display_path(&self, id: PathId) -> String {
        self.path(id)
            .iter()
            .map(|name| crate::text::quoted(&crate::resolve::quote_name(name)).into_owned())
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The path, if some non-deleted menu has it.
    pub fn lookup<S: AsRef<str>>(&self, path: &[S]) -> Option<PathInfo> {
        let id = self
            .find(path)
            .filter(|&id| self.node(id).is_some_and(|node| node.live))?;
        self.info(id)
    }

    /// What the catalog says about a path of its tree (`None` for the
    /// root, an id from another catalog, or a path only deleted menus have).
    pub fn info(&self, id: PathId) -> Option<PathInfo> {
        let node = self.node(id).filter(|node| node.live && id != ROOT)?;
        Some(PathInfo {
            id,
            channels: node.channels,
            below: node.below,
        })
    }

    /// The channels of the entries at or below a path (see
    /// [`PathInfo::channels_at_or_below`]); `None` when the catalog does not
    /// have the path.
    pub fn channels_below<S: AsRef<str>>(&self, path: &[S]) -> Option<ChannelSet> {
        self.lookup(path).map(PathInfo::channels_at_or_below)
    }

    /// Whether the path exists only as deleted menus (or menus below a
    /// deleted one): E0301 says so rather than "not in the catalog".
    pub fn is_deleted_only<S: AsRef<str>>(&self, path: &[S]) -> bool {
        self.find(path)
            .and_then(|id| self.node(id))
            .is_some_and(|node| !node.live && !node.menus.is_empty())
    }

    /// The names of the non-deleted menus with this path that carry
    /// `channel`, when there are two or more (W0302: the policy cannot tell
    /// them apart); else empty.
    pub fn duplicates_for<S: AsRef<str>>(&self, path: &[S], channel: Channel) -> Vec<Span> {
        let Some(node) = self.find(path).and_then(|id| self.node(id)) else {
            return Vec::new();
        };
        let spans: Vec<Span> = node
            .menus
            .iter()
            .filter_map(|&index| self.menus.get(index))
            .filter(|menu| !menu.removed && menu.channels.contains(channel))
            .map(|menu| menu.name_span)
            .collect();
        if spans.len() >= 2 { spans } else { Vec::new() }
    }

    /// The menus with a path, deleted ones included, in catalog file order.
    pub fn menus_at(&self, id: PathId) -> impl Iterator<Item = &Menu> {
        self.node(id)
            .into_iter()
            .flat_map(|node| node.menus.iter())
            .filter_map(|&index| self.menus.get(index))
    }

    /// The live children of a path (of the top level for `None`), in
    /// catalog order.
    pub fn children(&self, id: Option<PathId>) -> &[PathId] {
        self.node(id.unwrap_or(ROOT))
            .map_or(&[], |node| node.children.as_slice())
    }

    /// The path's node, live or not, by names.
    fn find<S: AsRef<str>>(&self, path: &[S]) -> Option<PathId> {
        if path.is_empty() {
            return None;
        }
        let mut current = ROOT;
        for name in path {
            current = *self.by_name.get(&(current, name.as_ref().to_owned()))?;
        }
        Some(current)
    }

    fn node(&self, id: PathId) -> Option<&Node> {
        self.nodes.get(id.0)
    }

    /// For the "did you mean" search: the parent of a path, and its live
    /// children's names.
    pub(super) fn parent_of<S: AsRef<str>>(&self, path: &[S]) -> Option<PathId> {
        match path.split_last() {
            Some((_, [])) => Some(ROOT),
            Some((_, parent)) => self
                .find(parent)
                .filter(|&id| self.node(id).is_some_and(|node| node.live)),
            None => None,
        }
    }

    /// The last name of a path.
    pub fn name(&self, id: PathId) -> &str {
        self.node(id).map_or("", |node| node.name.as_str())
    }

    /// Live paths with their depth (1 for the top level) and the number
    /// of characters of their names.
    pub(super) fn live_paths(&self) -> impl Iterator<Item = (PathId, usize, usize)> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, node)| node.live)
            .map(|(index, node)| (PathId(index), node.depth, node.chars))
    }
}

/// Validates the menus and, when neither they nor the reading had any
/// problem, builds the catalog.
pub(super) fn build(
    file: FileId,
    text: &str,
    raw: Vec<RawMenu>,
    problems: &mut Vec<CatalogProblem>,
) -> Option<Catalog> {
    let ids = check_ids(file, text, &raw, problems);
    check_names(file, text, &raw, problems);
    let parents = parents(&raw, &ids, problems);
    check_cycles(file, text, &raw, &parents, problems);
    if !problems.is_empty() {
        return None;
    }
    let menus: Vec<Menu> = raw
        .into_iter()
        .zip(&parents)
        .filter_map(|(menu, &parent)| {
            let span = menu.head(file, text);
            let (id, _) = menu.id?;
            let (name, name_span) = menu.name?;
            Some(Menu {
                id,
                name,
                span,
                name_span,
                channels: ChannelSet::of_menu_type(menu.menu_type.as_deref()),
                menu_type: menu.menu_type,
                position: menu.position,
                deleted: menu.deleted,
                removed: menu.deleted,
                parent,
                path: ROOT,
            })
        })
        .collect();
    if menus.len() != parents.len() {
        // Every menu has an id and a name once no problem was found.
        return None;
    }
    Some(merge(file, menus))
}

/// The id of each menu that has one, by value; reports missing and
/// duplicate ids.
fn check_ids(file: FileId, text: &str, raw: &[RawMenu], problems: &mut Vec<CatalogProblem>) -> HashMap<MenuId, usize> {
    let mut ids: HashMap<MenuId, usize> = HashMap::with_capacity(raw.len());
    for (index, menu) in raw.iter().enumerate() {
        let Some((id, span)) = &menu.id else {
            if !menu.id_given {
                let which = match &menu.name {
                    Some((name, _)) => format!("menu `{}`", crate::text::quoted(name)),
                    None => "a menu".to_owned(),
                };
                problems.push(
                    CatalogProblem::new(
                        ProblemKind::MissingId,
                        format!("{which} has no `id`"),
                        menu.head(file, text),
                        "this menu has no `id`",
                    )
                    .with_help("every menu needs an `id`, a number or a string, unique in the catalog"),
                );
            }
            continue;
        };
        match ids.get(id).and_then(|&first| raw.get(first)) {
            Some(first) => {
                let mut problem = CatalogProblem::new(
                    ProblemKind::DuplicateId,
                    format!("two menus have the id {id}"),
                    *span,
                    "used again here",
                );
                if let Some((_, first_span)) = &first.id {
                    problem = problem.with_related(*first_span, "first used here");
                }
                problems.push(problem.with_help("ids must be unique; `1` and `\"1\"` count as different ids"));
            }
            None => {
                ids.insert(id.clone(), index);
            }
        }
    }
    ids
}

fn check_names(file: FileId, text: &str, raw: &[RawMenu], problems: &mut Vec<CatalogProblem>) {
    for menu in raw {
        match &menu.name {
            Some((name, span)) if name.trim().is_empty() => problems.push(
                CatalogProblem::new(
                    ProblemKind::EmptyName,
                    format!("{} has an empty name", describe(menu)),
                    *span,
                    "empty name",
                )
                .with_help("a policy names queues by their names, so every menu needs one"),
            ),
            Some(_) => {}
            None if !menu.name_given => problems.push(CatalogProblem::new(
                ProblemKind::MissingName,
                format!("{} has no `name`", describe(menu)),
                menu.head(file, text),
                "this menu has no `name`",
            )),
            None => {}
        }
    }
}

/// "menu 7", or "a menu" when it has no usable id.
fn describe(menu: &RawMenu) -> String {
    match &menu.id {
        Some((id, _)) => format!("menu {id}"),
        None => "a menu".to_owned(),
    }
}

/// Each menu's parent, by index; reports parents that do not exist and
/// nested menus whose `parent_id` names another menu.
fn parents(raw: &[RawMenu], ids: &HashMap<MenuId, usize>, problems: &mut Vec<CatalogProblem>) -> Vec<Option<usize>> {
    raw.iter()
        .map(|menu| {
            let named = menu
                .parent_id
                .as_ref()
                .map(|(id, span)| (id, *span, ids.get(id).copied()));
            match (menu.nested_in, named) {
                (Some(outer), Some((id, span, _))) => {
                    let outer_id = raw.get(outer).and_then(|outer| outer.id.as_ref());
                    if let Some((outer_id, _)) = outer_id.filter(|(outer_id, _)| outer_id != id) {
                        problems.push(CatalogProblem::new(
                            ProblemKind::ConflictingParent,
                            format!("menu nested in menu {outer_id} gives another `parent_id`, {id}"),
                            span,
                            format!("nested in menu {outer_id}"),
                        ));
                    }
                    Some(outer)
                }
                (Some(outer), None) => Some(outer),
                (None, Some((_, _, Some(parent)))) => Some(parent),
                (None, Some((id, span, None))) => {
                    problems.push(
                        CatalogProblem::new(
                            ProblemKind::UnknownParent,
                            format!("{} names parent {id}, which no menu has as its id", describe(menu)),
                            span,
                            "no menu has this id",
                        )
                        .with_help("a top-level menu has `parent_id: null` or no `parent_id`"),
                    );
                    None
                }
                (None, None) => None,
            }
        })
        .collect()
}

/// Reports each cycle of parents once, at the `parent_id` of its first
/// member in catalog order.
fn check_cycles(
    file: FileId,
    text: &str,
    raw: &[RawMenu],
    parents: &[Option<usize>],
    problems: &mut Vec<CatalogProblem>,
) {
    const UNSEEN: u8 = 0;
    const ON_WALK: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![UNSEEN; raw.len()];
    let mut walk: Vec<usize> = Vec::new();
    for start in 0..raw.len() {
        walk.clear();
        let mut current = Some(start);
        while let Some(index) = current.filter(|&index| state.get(index) == Some(&UNSEEN)) {
            state[index] = ON_WALK;
            walk.push(index);
            current = parents.get(index).copied().flatten();
        }
        if let Some(repeat) = current.filter(|&index| state.get(index) == Some(&ON_WALK)) {
            let from = walk.iter().position(|&index| index == repeat).unwrap_or(0);
            let mut members: Vec<usize> = walk.get(from..).unwrap_or(&[]).to_vec();
            // Start the cycle at its first member in the file.
            let first = members
                .iter()
                .enumerate()
                .min_by_key(|(_, index)| **index)
                .map_or(0, |(at, _)| at);
            members.rotate_left(first);
            problems.push(cycle_problem(file, text, raw, &members));
        }
        for &index in &walk {
            state[index] = DONE;
        }
    }
}

fn cycle_problem(file: FileId, text: &str, raw: &[RawMenu], members: &[usize]) -> CatalogProblem {
    const SHOWN: usize = 6;
    let place = |index: usize| {
        raw.get(index).map(|menu| match &menu.parent_id {
            Some((_, span)) => *span,
            None => menu.head(file, text),
        })
    };
    let name = |index: usize| raw.get(index).map_or_else(|| "a menu".to_owned(), describe);
    let mut chain: Vec<String> = members.iter().take(SHOWN).map(|&index| name(index)).collect();
    if members.len() > SHOWN {
        chain.push(format!("… ({} menus in all)", members.len()));
    }
    if let Some(&first) = members.first() {
        chain.push(name(first));
    }
    let message = if members.len() == 1 {
        format!("{} is its own parent", name(members.first().copied().unwrap_or(0)))
    } else {
        format!("menus form a cycle of parents: {}", chain.join(" → "))
    };
    let primary = members.first().and_then(|&index| place(index));
    let mut problem = CatalogProblem::new(
        ProblemKind::Cycle,
        message,
        primary.unwrap_or(Span::new(file, 0, 0)),
        "this parent leads back to this menu",
    )
    .with_help("a menu's parents must lead up to a top-level menu");
    for &index in members.iter().skip(1).take(SHOWN - 1) {
        if let Some(span) = place(index) {
            problem = problem.with_related(span, "part of the cycle");
        }
    }
    problem
}

/// The merged tree of menus known to be well formed: ids unique, parents
/// existing, no cycle.
fn merge(file: FileId, mut menus: Vec<Menu>) -> Catalog {
    let mut nodes = vec![Node::new(String::new(), None, None)];
    let mut by_name: HashMap<(PathId, String), PathId> = HashMap::with_capacity(menus.len());
    let mut placed = vec![false; menus.len()];
    let mut chain: Vec<usize> = Vec::new();
    for start in 0..menus.len() {
        // Place the unplaced ancestors first, top down, without recursion.
        chain.clear();
        let mut current = Some(start);
        while let Some(index) = current.filter(|&index| placed.get(index) == Some(&false)) {
            chain.push(index);
            current = menus.get(index).and_then(|menu| menu.parent);
        }
        for &index in chain.iter().rev() {
            let parent = menus.get(index).and_then(|menu| menu.parent);
            let (parent_path, parent_removed) = parent
                .and_then(|parent| menus.get(parent))
                .map_or((ROOT, false), |parent| (parent.path, parent.removed));
            let Some(menu) = menus.get_mut(index) else { continue };
            menu.removed = menu.deleted || parent_removed;
            let key = (parent_path, menu.name.clone());
            let path = match by_name.get(&key) {
                Some(&path) => path,
                None => {
                    let path = PathId(nodes.len());
                    let node = Node::new(menu.name.clone(), nodes.get(parent_path.0), Some(parent_path));
                    nodes.push(node);
                    by_name.insert(key, path);
                    path
                }
            };
            menu.path = path;
            if let Some(node) = nodes.get_mut(path.0) {
                node.menus.push(index);
                if !menu.removed {
                    node.live = true;
                    node.channels = node.channels.union(menu.channels);
                    let key = SortKey {
                        unpositioned: menu.position.is_none(),
                        position: menu.position.clone(),
                        id: menu.id.clone(),
                    };
                    if node.key.as_ref().is_none_or(|known| key < *known) {
                        node.key = Some(key);
                    }
                }
            }
            if let Some(flag) = placed.get_mut(index) {
                *flag = true;
            }
        }
    }
    // Children come after their parents, so one backward pass gathers what
    // lies below each path.
    for index in (1..nodes.len()).rev() {
        let Some(node) = nodes.get(index).filter(|node| node.live) else {
            continue;
        };
        let (parent, carried) = (node.parent.unwrap_or(ROOT), node.channels.union(node.below));
        if let Some(parent) = nodes.get_mut(parent.0) {
            parent.below = parent.below.union(carried);
            parent.children.push(PathId(index));
        }
    }
    let keys: Vec<Option<SortKey>> = nodes.iter().map(|node| node.key.clone()).collect();
    for node in &mut nodes {
        node.children.sort_by(|a, b| keys.get(a.0).cmp(&keys.get(b.0)));
    }
    let entries = entries(&nodes);
    Catalog {
        file,
        menus,
        nodes,
        by_name,
        entries,
    }
}

/// The leaf/channel entries, walking the tree top down in catalog order.
fn entries(nodes: &[Node]) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut pending: Vec<PathId> = nodes
        .first()
        .map(|root| root.children.iter().rev().copied().collect())
        .unwrap_or_default();
    while let Some(path) = pending.pop() {
        let Some(node) = nodes.get(path.0) else { continue };
        for channel in Channel::ALL {
            if node.channels.contains(channel) && !node.below.contains(channel) {
                entries.push(Entry { path, channel });
            }
        }
        pending.extend(node.children.iter().rev().copied());
    }
    entries
}

#[cfg(test)]
mod tests {
    use crate::catalog::{ProblemKind, read_catalog};
    use crate::source::FileId;
    use crate::vocabulary::Channel;

    fn entries(text: &str) -> Vec<String> {
        let read = read_catalog(FileId(0), text);
        let Some(catalog) = read.catalog else {
            panic!("{:?}", read.problems)
        };
        catalog
            .entries()
            .iter()
            .map(|entry| format!("{} {}", catalog.path(entry.path).join("/"), entry.channel))
            .collect()
    }

    fn kinds(text: &str) -> Vec<ProblemKind> {
        read_catalog(FileId(0), text)
            .problems
            .iter()
            .map(|problem| problem.kind)
            .collect()
    }

    #[test]
    fn a_leaf_is_per_channel() {
        let text = r#"[{"id": 1, "name": "A"}, {"id": 2, "name": "B", "parent_id": 1, "menu_type": "ivr_menu"}]"#;
        assert_eq!(entries(text), ["A chat", "A/B call"]);
    }

    #[test]
    fn a_deleted_menu_takes_its_subtree_along() {
        let text = r#"[{"id": 1, "name": "A"}, {"id": 2, "name": "B", "parent_id": 1, "deleted": true},
            {"id": 3, "name": "C", "parent_id": 2}]"#;
        assert_eq!(entries(text), ["A call", "A chat"]);
        let read = read_catalog(FileId(0), text);
        let catalog = read.catalog.expect("no problems");
        assert!(catalog.is_deleted_only(&["A", "B", "C"]));
        assert_eq!(
            catalog.channels_below(&["A"]).map(|set| set.contains(Channel::Call)),
            Some(true)
        );
    }

    #[test]
    fn ids_of_two_types_are_two_ids() {
        assert_eq!(kinds(r#"[{"id": 1, "name": "A"}, {"id": "1", "name": "B"}]"#), []);
        assert_eq!(
            kinds(r#"[{"id": 1, "name": "A"}, {"id": 1e0, "name": "B"}]"#),
            [ProblemKind::DuplicateId]
        );
    }

    #[test]
    fn each_cycle_is_one_problem() {
        let text = r#"[{"id": 1, "name": "A", "parent_id": 2}, {"id": 2, "name": "B", "parent_id": 1},
            {"id": 3, "name": "C", "parent_id": 1}, {"id": 4, "name": "D", "parent_id": 4}]"#;
        assert_eq!(kinds(text), [ProblemKind::Cycle, ProblemKind::Cycle]);
    }
}
