//! The two languages of the estimator and the small helpers every user-facing text uses.

use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese is the page's default language.
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Accepts `zh`, `en` and region-tagged forms such as `zh-CN` or `en-GB`.
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's code: `zh` or `en`.
    pub fn key(self) -> &'static str {
        self.pick("zh", "en")
    }

    /// Picks the text of this language from a Chinese/English pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A text given in both languages, as policy files give names and notes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    /// The text in `lang`, falling back to the other language when that one is empty.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Zh => (&self.zh, &self.en),
            Lang::En => (&self.en, &self.zh),
        };
        if first.is_empty() {
            second
        } else {
            first
        }
    }
}

/// Builds a [`Text`] from a `format!` pattern per language: `bilingual!(zh: "…{}", en: "…{}"; args)`.
#[macro_export]
macro_rules! bilingual {
    (zh: $zh:literal, en: $en:literal $(, $arg:expr)* $(,)?) => {
        $crate::i18n::Text { zh: format!($zh $(, $arg)*), en: format!($en $(, $arg)*) }
    };
}

/// Formats a text in one language: `tr!(lang, zh: "…{}", en: "…{}", args)`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, zh: $zh:literal, en: $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            $crate::i18n::Lang::Zh => format!($zh $(, $arg)*),
            $crate::i18n::Lang::En => format!($en $(, $arg)*),
        }
    };
}
