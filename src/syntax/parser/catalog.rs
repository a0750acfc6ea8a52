//! Reading `catalog: "FILE"`: the value after the colon, read loosely by
//! the grammar, into the path it names, with an E0001 for a path that is
//! missing, empty, unquoted, unterminated or followed by other text.

use super::names::{closing_quote, unescape_name};
use super::{Builder, Rule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::resolve::quote_name;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{CatalogDecl, NodeKind};
use pest::iterators::Pair;

const EXAMPLE: &str = "`catalog: \"platform/menus.json\"`";

impl Builder<'_> {
    pub(super) fn catalog_decl(&mut self, pair: Pair<'_, Rule>, span: Span) {
        let value = pair
            .into_inner()
            .find(|part| part.as_rule() == Rule::catalog_value)
            .map(|value| (self.text(&value).to_owned(), self.trimmed_span(&value)));
        let path = match value {
            Some((text, value_span)) => self.catalog_path(crate::text::trim_end_blanks(&text), value_span),
            None => {
                self.diagnostics.push(
                    Diagnostic::new(Code::E0001, "`catalog:` needs the path of the catalog file")
                        .with_primary(span, "no path")
                        .with_help(format!(
                            "write the path in double quotes, relative to this file, such as {EXAMPLE}"
                        )),
                );
                None
            }
        };
        self.add(NodeKind::Catalog(CatalogDecl { path }), span, None);
    }

    /// The path a written value names. A slip that still says which file is
    /// meant (no quotes, no closing quote, text after it) is reported and
    /// the path kept, as `crm salesforce` still declares the CRM.
    pub(super) fn catalog_path(&mut self, text: &str, span: Span) -> Option<Spanned<String>> {
        let Some(inner) = text.strip_prefix('"') else {
            let quoted = quote_name(text);
            self.diagnostics.push(
                Diagnostic::new(Code::E0001, "the catalog's path must be in double quotes")
                    .with_primary(span, "not quoted")
                    .with_help(format!("write `catalog: {}`", crate::text::quoted(&quoted)))
                    .with_fix(Fix::safe(
                        "put the path in double quotes",
                        vec![Edit::replace(span, quoted)],
                    )),
            );
            return Some(Spanned::new(text.to_owned(), span));
        };
        let Some(close) = closing_quote(inner) else {
            self.diagnostics.push(
                Diagnostic::new(Code::E0001, "the catalog's path has no closing quote")
                    .with_primary(span, "this quote is never closed")
                    .with_help(format!("end the path with `\"`, as in {EXAMPLE}"))
                    .with_fix(Fix::safe(
                        "add the closing quote",
                        vec![Edit::insert(Span::new(span.file(), span.end(), span.end()), "\"")],
                    )),
            );
            return self.non_empty_path(unescape_name(inner), span);
        };
        let quoted_end = span.start() + 1 + close + 1;
        let quoted_span = Span::new(span.file(), span.start(), quoted_end);
        let rest = Span::new(span.file(), quoted_end, span.end());
        if rest.start() < rest.end() {
            self.diagnostics.push(
                Diagnostic::new(Code::E0001, "unexpected text after the catalog's path")
                    .with_primary(rest, "not part of the path")
                    .with_secondary(quoted_span, "the path")
                    .with_help("a `catalog:` line holds one quoted path; put a comment after `#`")
                    .with_fix(Fix::unsafe_fix(
                        "remove the text after the path",
                        vec![Edit::delete(rest)],
                    )),
            );
        }
        self.non_empty_path(unescape_name(inner.get(..close).unwrap_or("")), quoted_span)
    }

    fn non_empty_path(&mut self, path: String, span: Span) -> Option<Spanned<String>> {
        if crate::text::trim_blanks(&path).is_empty() {
            self.diagnostics.push(
                Diagnostic::new(Code::E0001, "the catalog's path is empty")
                    .with_primary(span, "empty path")
                    .with_help(format!("name the catalog file, relative to this file, as in {EXAMPLE}")),
            );
            return None;
        }
        Some(Spanned::new(path, span))
    }
}
