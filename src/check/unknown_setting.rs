//! E0002: a setting name the language does not know.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::vocabulary::{self, SettingKey};

pub struct UnknownSetting;

impl CheckRule for UnknownSetting {
    fn code(&self) -> Code {
        Code::E0002
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        context
            .setting_statements()
            .filter(|stmt| stmt.key.is_none())
            .map(|stmt| {
                let written = &stmt.name.value;
                let diagnostic = Diagnostic::new(Code::E0002, format!("unknown setting `{written}`"))
                    .with_primary(stmt.name.span, "not a setting crmpol knows");
                match vocabulary::closest(written, &vocabulary::setting_names()) {
                    Some(name) => {
                        diagnostic
                            .with_help(format!("did you mean `{name}`?"))
                            .with_fix(Fix::machine_applicable(
                                format!("write `{name}`"),
                                vec![Edit::replace(stmt.name.span, name)],
                            ))
                    }
                    None => diagnostic.with_help(format!("the settings are {}", list_of_settings())),
                }
            })
            .collect()
    }
}

fn list_of_settings() -> String {
    SettingKey::ALL
        .iter()
        .map(|key| format!("`{}`", key.name()))
        .collect::<Vec<_>>()
        .join(", ")
}
