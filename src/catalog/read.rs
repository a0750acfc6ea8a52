//! From JSON to raw menus.
//!
//! In: the catalog text. Out: every menu object in document order (the
//! order of their opening `{`, which is catalog order for nested
//! `children` too), with the fields the catalog uses and their spans, plus
//! the problems visible in one menu alone: a value of the wrong type, a
//! field given twice, a list element that is not an object, a document
//! that is not a catalog at all, or text that is not JSON (then that is the
//! only problem, and no menu is returned).
//!
//! The three shapes are one walk: a menu list is the top-level array, the
//! top-level object's `menus`, or a menu's `children`; a menu in
//! `children` records the menu it is nested in. Unknown fields are skipped
//! without being decoded into values.

use super::json::{Event, Parser, Scalar, SyntaxError};
use super::number::Number;
use super::{CatalogProblem, MenuId, ProblemKind};
use crate::source::{FileId, Span};

/// One menu object as written.
#[derive(Clone, Debug)]
pub(super) struct RawMenu {
    /// Offset of the menu's `{`.
    pub start: usize,
    /// Offset just after its `}`.
    pub end: usize,
    pub id: Option<(MenuId, Span)>,
    /// `id` was present, whatever its value (a wrong type is reported as
    /// that, not also as a missing id).
    pub id_given: bool,
    pub name: Option<(String, Span)>,
    pub name_given: bool,
    /// A non-null `parent_id`.
    pub parent_id: Option<(MenuId, Span)>,
    /// The menu whose `children` hold this one, as an index into the list.
    pub nested_in: Option<usize>,
    pub deleted: bool,
    pub menu_type: Option<String>,
    pub position: Option<Number>,
    /// Fields seen so far, one bit per [`Field`].
    seen: u8,
}

impl RawMenu {
    fn new(start: usize, nested_in: Option<usize>) -> RawMenu {
        RawMenu {
            start,
            end: start,
            id: None,
            id_given: false,
            name: None,
            name_given: false,
            parent_id: None,
            nested_in,
            deleted: false,
            menu_type: None,
            position: None,
            seen: 0,
        }
    }

    /// Where to point at the menu as a whole: the object when it is short
    /// and on one line, else its `{` (a menu with `children` may span the
    /// whole file).
    pub fn head(&self, file: FileId, text: &str) -> Span {
        let whole = text.get(self.start..self.end).unwrap_or("");
        if self.end.saturating_sub(self.start) <= 160 && !whole.contains('\n') && !whole.is_empty() {
            Span::new(file, self.start, self.end)
        } else {
            Span::new(file, self.start, (self.start + 1).min(text.len()))
        }
    }
}

/// The fields a menu's keys can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Id,
    Name,
    ParentId,
    Deleted,
    MenuType,
    Position,
    Children,
    /// The top-level object's `menus`.
    Menus,
    /// Anything else: skipped.
    Other,
}

impl Field {
    fn of_menu(key: &str) -> Field {
        match key {
            "id" => Field::Id,
            "name" => Field::Name,
            "parent_id" => Field::ParentId,
            "deleted" => Field::Deleted,
            "menu_type" => Field::MenuType,
            "position" => Field::Position,
            "children" => Field::Children,
            _ => Field::Other,
        }
    }

    fn bit(self) -> u8 {
        match self {
            Field::Id => 1,
            Field::Name => 2,
            Field::ParentId => 4,
            Field::Deleted => 8,
            Field::MenuType => 16,
            Field::Position => 32,
            Field::Children => 64,
            Field::Menus => 128,
            Field::Other => 0,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::ParentId => "parent_id",
            Field::Deleted => "deleted",
            Field::MenuType => "menu_type",
            Field::Position => "position",
            Field::Children => "children",
            Field::Menus => "menus",
            Field::Other => "",
        }
    }

    /// The JSON types the field takes, for "must be ...".
    fn expected(self) -> &'static str {
        match self {
            Field::Id => "a number or a string",
            Field::Name => "a string",
            Field::ParentId => "a number, a string or null",
            Field::Deleted => "true or false",
            Field::MenuType => "a string",
            Field::Position => "a number",
            Field::Children | Field::Menus => "an array of menus",
            Field::Other => "",
        }
    }
}

/// What an open container is to the catalog.
#[derive(Clone, Copy, Debug)]
enum Role {
    /// An array of menus; the menu whose `children` it is, if any.
    Menus(Option<usize>),
    /// A menu object, by index.
    Menu(usize),
    /// The top-level object; whether it had a `menus` array.
    Root { start: usize, has_menus: bool },
    /// A value the catalog does not use.
    Ignored,
}

/// The start of a value, as the walk sees it.
#[derive(Clone, Copy, Debug)]
enum Start<'s, 'a> {
    Object(usize),
    Array(usize),
    Scalar(&'s Scalar<'a>, usize, usize),
}

impl Start<'_, '_> {
    fn kind(&self) -> &'static str {
        match self {
            Start::Object(_) => "an object",
            Start::Array(_) => "an array",
            Start::Scalar(scalar, ..) => scalar.kind(),
        }
    }

    /// The value's span, or the opening bracket of a container.
    fn span(&self, file: FileId) -> Span {
        match *self {
            Start::Object(at) | Start::Array(at) => Span::new(file, at, at + 1),
            Start::Scalar(_, start, end) => Span::new(file, start, end),
        }
    }
}

struct Walk {
    file: FileId,
    menus: Vec<RawMenu>,
    problems: Vec<CatalogProblem>,
    roles: Vec<Role>,
    /// The field the last key named, until its value starts.
    pending: Field,
}

/// The menus of a catalog text, and the problems found reading them.
pub(super) fn read_menus(file: FileId, text: &str) -> (Vec<RawMenu>, Vec<CatalogProblem>) {
    let mut walk = Walk {
        file,
        menus: Vec::new(),
        problems: Vec::new(),
        roles: Vec::new(),
        pending: Field::Other,
    };
    let mut parser = Parser::new(text);
    loop {
        match parser.next_event() {
            Ok(Some(event)) => walk.event(event),
            Ok(None) => break,
            Err(error) => return (Vec::new(), vec![not_json(file, text, &error)]),
        }
    }
    (walk.menus, walk.problems)
}

impl Walk {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::StartObject(at) => self.start(Start::Object(at)),
            Event::StartArray(at) => self.start(Start::Array(at)),
            Event::Scalar(scalar, start, end) => self.start(Start::Scalar(&scalar, start, end)),
            Event::Key(key, start, end) => self.key(&key, Span::new(self.file, start, end)),
            Event::EndObject(end) | Event::EndArray(end) => self.end(end),
        }
    }

    fn key(&mut self, key: &str, span: Span) {
        let (field, seen) = match self.roles.last() {
            Some(Role::Menu(index)) => {
                let field = Field::of_menu(key);
                (field, self.menus.get_mut(*index).map(|menu| &mut menu.seen))
            }
            Some(Role::Root { .. }) if key == "menus" => (Field::Menus, None),
            _ => (Field::Other, None),
        };
        self.pending = field;
        if field == Field::Other {
            return;
        }
        let repeated = match seen {
            Some(seen) => {
                let repeated = *seen & field.bit() != 0;
                *seen |= field.bit();
                repeated
            }
            None => matches!(self.roles.last(), Some(Role::Root { has_menus: true, .. })),
        };
        if repeated {
            self.problems.push(CatalogProblem::new(
                ProblemKind::RepeatedField,
                format!("`{}` is given twice in one {}", field.key(), self.owner(field)),
                span,
                "given again here",
            ));
            self.pending = Field::Other;
        }
    }

    fn owner(&self, field: Field) -> &'static str {
        if field == Field::Menus { "catalog" } else { "menu" }
    }

    fn start(&mut self, value: Start<'_, '_>) {
        let field = std::mem::replace(&mut self.pending, Field::Other);
        let role = match self.roles.last().copied() {
            None => self.top_level(value),
            Some(Role::Menus(parent)) => self.list_element(value, parent),
            Some(Role::Menu(index)) => self.menu_field(index, field, value),
            Some(Role::Root { .. }) if field == Field::Menus => self.menus_field(value),
            Some(Role::Root { .. } | Role::Ignored) => Role::Ignored,
        };
        if matches!(value, Start::Object(_) | Start::Array(_)) {
            self.roles.push(role);
        }
    }

    fn end(&mut self, end: usize) {
        match self.roles.pop() {
            Some(Role::Menu(index)) => {
                if let Some(menu) = self.menus.get_mut(index) {
                    menu.end = end;
                }
            }
            Some(Role::Root {
                start,
                has_menus: false,
            }) => self.problems.push(
                CatalogProblem::new(
                    ProblemKind::NotACatalog,
                    "the catalog has no `menus` array".to_owned(),
                    Span::new(self.file, start, start + 1),
                    "this object has no `menus`",
                )
                .with_help(SHAPES),
            ),
            _ => {}
        }
    }

    fn top_level(&mut self, value: Start<'_, '_>) -> Role {
        match value {
            Start::Array(_) => Role::Menus(None),
            Start::Object(start) => Role::Root {
                start,
                has_menus: false,
            },
            Start::Scalar(..) => {
                self.problems.push(
                    CatalogProblem::new(
                        ProblemKind::NotACatalog,
                        format!("the catalog is {}, not a list of menus", value.kind()),
                        value.span(self.file),
                        "expected an array or an object",
                    )
                    .with_help(SHAPES),
                );
                Role::Ignored
            }
        }
    }

    fn list_element(&mut self, value: Start<'_, '_>, parent: Option<usize>) -> Role {
        match value {
            Start::Object(start) => {
                self.menus.push(RawMenu::new(start, parent));
                Role::Menu(self.menus.len() - 1)
            }
            _ => {
                self.problems.push(CatalogProblem::new(
                    ProblemKind::NotAMenu,
                    format!("a menu must be an object, not {}", value.kind()),
                    value.span(self.file),
                    "not a menu",
                ));
                Role::Ignored
            }
        }
    }

    fn menus_field(&mut self, value: Start<'_, '_>) -> Role {
        if let Some(Role::Root { has_menus, .. }) = self.roles.last_mut() {
            *has_menus = true;
        }
        match value {
            Start::Array(_) => Role::Menus(None),
            _ => {
                self.wrong_type(Field::Menus, value);
                Role::Ignored
            }
        }
    }

    fn menu_field(&mut self, index: usize, field: Field, value: Start<'_, '_>) -> Role {
        let file = self.file;
        let Some(menu) = self.menus.get_mut(index) else {
            return Role::Ignored;
        };
        let scalar = match value {
            Start::Scalar(scalar, start, end) => Some((scalar, Span::new(file, start, end))),
            _ => None,
        };
        let fits = match (field, scalar) {
            (Field::Other, _) => true,
            (Field::Children, _) if matches!(value, Start::Array(_)) => return Role::Menus(Some(index)),
            (Field::Children, Some((Scalar::Null, _))) => true,
            (Field::Id, Some((scalar, span))) => {
                menu.id_given = true;
                menu.id = menu_id(scalar).map(|id| (id, span));
                menu.id.is_some()
            }
            (Field::Name, Some((Scalar::String(name), span))) => {
                menu.name_given = true;
                menu.name = Some((name.clone().into_owned(), span));
                true
            }
            (Field::Name, _) => {
                menu.name_given = true;
                false
            }
            (Field::ParentId, Some((Scalar::Null, _))) => true,
            (Field::ParentId, Some((scalar, span))) => {
                menu.parent_id = menu_id(scalar).map(|id| (id, span));
                menu.parent_id.is_some()
            }
            (Field::Deleted, Some((Scalar::Bool(deleted), _))) => {
                menu.deleted = *deleted;
                true
            }
            (Field::MenuType, Some((Scalar::String(menu_type), _))) => {
                menu.menu_type = Some(menu_type.clone().into_owned());
                true
            }
            (Field::Position, Some((Scalar::Number(literal), _))) => {
                menu.position = Number::parse(literal);
                menu.position.is_some()
            }
            (Field::Deleted | Field::MenuType | Field::Position, Some((Scalar::Null, _))) => true,
            (Field::Id, None) => {
                menu.id_given = true;
                false
            }
            _ => false,
        };
        if !fits {
            self.wrong_type(field, value);
        }
        Role::Ignored
    }

    fn wrong_type(&mut self, field: Field, value: Start<'_, '_>) {
        let owner = if field == Field::Menus { "the catalog" } else { "a menu" };
        self.problems.push(CatalogProblem::new(
            ProblemKind::WrongType,
            format!(
                "`{}` of {owner} must be {}, not {}",
                field.key(),
                field.expected(),
                value.kind()
            ),
            value.span(self.file),
            format!("expected {}", field.expected()),
        ));
    }
}

fn menu_id(scalar: &Scalar<'_>) -> Option<MenuId> {
    match scalar {
        Scalar::Number(literal) => Number::parse(literal).map(MenuId::Number),
        Scalar::String(text) => Some(MenuId::Text(text.clone().into_owned())),
        _ => None,
    }
}

const SHAPES: &str = "a catalog is a JSON array of menus, or an object with a `menus` array; \
                      menus may nest their sub-menus in `children` arrays";

/// The one problem of a text that is not JSON, with its line and column.
fn not_json(file: FileId, text: &str, error: &SyntaxError) -> CatalogProblem {
    let mut at = error.offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    CatalogProblem::new(
        ProblemKind::NotJson,
        format!(
            "the catalog is not JSON: {} at line {line}, column {column}",
            error.message
        ),
        Span::new(file, at, end),
        error.message.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<RawMenu>, Vec<(ProblemKind, String)>) {
        let (menus, problems) = read_menus(FileId(0), text);
        let problems = problems
            .into_iter()
            .map(|problem| (problem.kind, text[problem.span.range()].to_owned()))
            .collect();
        (menus, problems)
    }

    fn names(menus: &[RawMenu]) -> Vec<(&str, Option<usize>)> {
        menus
            .iter()
            .map(|menu| (menu.name.as_ref().map_or("", |(name, _)| name.as_str()), menu.nested_in))
            .collect()
    }

    #[test]
    fn the_three_shapes_give_the_same_menus() {
        let array = r#"[{"id": 1, "name": "A"}, {"id": 2, "name": "B", "parent_id": 1}]"#;
        let object = r#"{"version": 3, "menus": [{"id": 1, "name": "A"}, {"id": 2, "name": "B", "parent_id": 1}]}"#;
        let tree = r#"[{"id": 1, "name": "A", "children": [{"id": 2, "name": "B"}]}]"#;
        for text in [array, object] {
            let (menus, problems) = read(text);
            assert_eq!(problems, []);
            assert_eq!(names(&menus), [("A", None), ("B", None)]);
        }
        let (menus, problems) = read(tree);
        assert_eq!(problems, []);
        assert_eq!(names(&menus), [("A", None), ("B", Some(0))]);
    }

    #[test]
    fn reads_each_field_and_skips_unknown_ones() {
        let text = r#"[{"hidden": {"deep": [1, {"name": "no"}]}, "id": "x", "name": "Q", "parent_id": null,
            "deleted": true, "menu_type": "ivr_menu", "position": 2.50}]"#;
        let (menus, problems) = read(text);
        assert_eq!(problems, []);
        let [menu] = menus.as_slice() else { panic!("{menus:?}") };
        assert_eq!(menu.id.as_ref().map(|(id, _)| id), Some(&MenuId::Text("x".to_owned())));
        assert!(menu.deleted);
        assert_eq!(menu.menu_type.as_deref(), Some("ivr_menu"));
        assert_eq!(menu.position, Number::parse("2.5"));
        assert_eq!(menu.parent_id, None);
        assert_eq!((menu.start, menu.end), (1, text.len() - 1));
    }

    #[test]
    fn wrong_types_are_problems_at_the_value() {
        let text = r#"[{"id": true, "name": 7, "parent_id": [], "deleted": "no", "menu_type": 1,
            "position": "1", "children": {}}, 3, {"id": 1, "name": "A", "name": "B"}]"#;
        let (_, problems) = read(text);
        let found: Vec<(ProblemKind, &str)> = problems.iter().map(|(kind, text)| (*kind, text.as_str())).collect();
        assert_eq!(
            found,
            [
                (ProblemKind::WrongType, "true"),
                (ProblemKind::WrongType, "7"),
                (ProblemKind::WrongType, "["),
                (ProblemKind::WrongType, "\"no\""),
                (ProblemKind::WrongType, "1"),
                (ProblemKind::WrongType, "\"1\""),
                (ProblemKind::WrongType, "{"),
                (ProblemKind::NotAMenu, "3"),
                (ProblemKind::RepeatedField, "\"name\""),
            ]
        );
    }

    #[test]
    fn not_a_catalog() {
        assert_eq!(read("7").1, [(ProblemKind::NotACatalog, "7".to_owned())]);
        assert_eq!(read(r#"{"items": []}"#).1, [(ProblemKind::NotACatalog, "{".to_owned())]);
        assert_eq!(read(r#"{"menus": 1}"#).1, [(ProblemKind::WrongType, "1".to_owned())]);
        assert_eq!(
            read(r#"{"menus": [], "menus": []}"#).1,
            [(ProblemKind::RepeatedField, "\"menus\"".to_owned())]
        );
    }

    #[test]
    fn not_json_says_line_and_column() {
        let text = "[\n  {\"id\": 1,}\n]";
        let (menus, problems) = read_menus(FileId(0), text);
        assert!(menus.is_empty());
        let [problem] = problems.as_slice() else {
            panic!("{problems:?}")
        };
        assert_eq!(problem.kind, ProblemKind::NotJson);
        assert_eq!(&text[problem.span.range()], "}");
        assert_eq!(
            problem.message,
            "the catalog is not JSON: expected a key in double quotes at line 2, column 12"
        );
    }

    #[test]
    fn not_json_at_the_end_points_at_the_end() {
        let (_, problems) = read_menus(FileId(0), "[{\"id\": 1}");
        let [problem] = problems.as_slice() else {
            panic!("{problems:?}")
        };
        assert_eq!(problem.span.range(), 10..10);
        assert!(
            problem.message.contains("found the end of the file"),
            "{}",
            problem.message
        );
    }
}
