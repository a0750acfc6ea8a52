//! E0002: a setting name the language does not know.

use super::suggestions::did_you_mean;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::settings::SettingKey;
use crate::text;

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
                let written = &stmt.name;
                let diagnostic = Diagnostic::new(
                    Code::E0002,
                    format!("unknown setting `{}`", text::quoted(&written.value)),
                )
                .with_primary(written.span, "not a setting crmpol knows");
                let raw = context.sources.slice(written.span);
                match did_you_mean(diagnostic, written, raw, &crate::settings::setting_names()) {
                    (diagnostic, true) => diagnostic,
                    (diagnostic, false) => diagnostic.with_help(format!("the settings are {}", list_of_settings())),
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
