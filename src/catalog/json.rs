//! A pull parser for JSON that says where everything is.
//!
//! In: the text of a catalog file. Out: [`Event`]s in document order
//! (containers opening and closing, keys, scalars), each with its byte
//! offsets, or the first [`SyntaxError`] with the offset it was found at.
//!
//! serde_json keeps no offsets, so the catalog reader walks the text with
//! this instead. It is iterative: nesting is a stack on the heap, so a
//! document 10,000 levels deep costs 10,000 small stack entries, not 10,000
//! call frames. Strings are borrowed from the text unless they contain
//! escapes. The grammar is RFC 8259's, strictly: no comments, no trailing
//! commas, no lone surrogates in `\u` escapes.

use std::borrow::Cow;

/// One step through the document.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Event<'a> {
    /// `{` at this offset.
    StartObject(usize),
    /// `}`; the offset just after it.
    EndObject(usize),
    /// `[` at this offset.
    StartArray(usize),
    /// `]`; the offset just after it.
    EndArray(usize),
    /// A key of an object, decoded, with the span of its quoted text.
    Key(Cow<'a, str>, usize, usize),
    /// A scalar value with its span.
    Scalar(Scalar<'a>, usize, usize),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Scalar<'a> {
    Null,
    Bool(bool),
    /// The literal as written; it follows the JSON number grammar.
    Number(&'a str),
    String(Cow<'a, str>),
}

impl Scalar<'_> {
    /// What kind of value this is, for "expected a string, found a number".
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Number(_) => "a number",
            Scalar::String(_) => "a string",
        }
    }
}

/// Where and why the text stops being JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Just after `[`: a value or `]`.
    ArrayFirst,
    /// After `,` in an array: a value.
    ArrayValue,
    /// After a value in an array: `,` or `]`.
    ArrayNext,
    /// Just after `{`: a key or `}`.
    ObjectFirst,
    /// After `,` in an object: a key.
    ObjectKey,
    /// After a key and its `:`: a value.
    ObjectValue,
    /// After a value in an object: `,` or `}`.
    ObjectNext,
}

pub(super) struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    stack: Vec<State>,
    /// The top-level value has been read completely.
    done: bool,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            at: 0,
            stack: Vec::new(),
            done: false,
        }
    }

    /// The next event, `None` at the end of a well-formed document.
    pub(super) fn next_event(&mut self) -> Result<Option<Event<'a>>, SyntaxError> {
        self.skip_blanks();
        let Some(&state) = self.stack.last() else {
            if self.done {
                return match self.peek() {
                    None => Ok(None),
                    Some(_) => Err(self.error("unexpected text after the end of the JSON value")),
                };
            }
            if self.peek().is_none() {
                return Err(self.error("the file is empty; expected a JSON value"));
            }
            return self.value().map(Some);
        };
        match state {
            State::ArrayFirst | State::ArrayNext if self.peek() == Some(b']') => {
                self.at += 1;
                self.close();
                Ok(Some(Event::EndArray(self.at)))
            }
            State::ArrayFirst | State::ArrayValue => {
                self.set_top(State::ArrayNext);
                self.value().map(Some)
            }
            State::ArrayNext => {
                self.expect(b',', "expected `,` or `]`")?;
                self.set_top(State::ArrayValue);
                self.next_event()
            }
            State::ObjectFirst | State::ObjectNext if self.peek() == Some(b'}') => {
                self.at += 1;
                self.close();
                Ok(Some(Event::EndObject(self.at)))
            }
            State::ObjectFirst | State::ObjectKey => {
                if self.peek() != Some(b'"') {
                    let message = if state == State::ObjectFirst {
                        "expected a key in double quotes or `}`"
                    } else {
                        "expected a key in double quotes"
                    };
                    return Err(self.error(message));
                }
                let start = self.at;
                let key = self.string()?;
                let end = self.at;
                self.skip_blanks();
                self.expect(b':', "expected `:` after the key")?;
                self.set_top(State::ObjectValue);
                Ok(Some(Event::Key(key, start, end)))
            }
            State::ObjectValue => {
                self.set_top(State::ObjectNext);
                self.value().map(Some)
            }
            State::ObjectNext => {
                self.expect(b',', "expected `,` or `}`")?;
                self.set_top(State::ObjectKey);
                self.next_event()
            }
        }
    }

    fn set_top(&mut self, state: State) {
        if let Some(top) = self.stack.last_mut() {
            *top = state;
        }
    }

    /// A container was closed; the value it held is complete.
    fn close(&mut self) {
        self.stack.pop();
        if self.stack.is_empty() {
            self.done = true;
        }
    }

    fn value(&mut self) -> Result<Event<'a>, SyntaxError> {
        let start = self.at;
        let Some(byte) = self.peek() else {
            return Err(self.error("unexpected end of file; expected a value"));
        };
        let scalar = match byte {
            b'{' => {
                self.at += 1;
                self.stack.push(State::ObjectFirst);
                return Ok(Event::StartObject(start));
            }
            b'[' => {
                self.at += 1;
                self.stack.push(State::ArrayFirst);
                return Ok(Event::StartArray(start));
            }
            b'"' => Scalar::String(self.string()?),
            b'-' | b'0'..=b'9' => Scalar::Number(self.number()?),
            b't' => self.literal("true", Scalar::Bool(true))?,
            b'f' => self.literal("false", Scalar::Bool(false))?,
            b'n' => self.literal("null", Scalar::Null)?,
            _ => return Err(self.error("expected a value")),
        };
        if self.stack.is_empty() {
            self.done = true;
        }
        Ok(Event::Scalar(scalar, start, self.at))
    }

    fn literal(&mut self, word: &'static str, scalar: Scalar<'a>) -> Result<Scalar<'a>, SyntaxError> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(scalar)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn number(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number: expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                return Err(self.error("invalid number: expected a digit after `.`"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                return Err(self.error("invalid number: expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok(self.text.get(start..self.at).unwrap_or(""))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
    }

    /// A string starting at the `"` under the cursor, decoded.
    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.at += 1;
        let start = self.at;
        // Fast path: no escapes, borrowed.
        loop {
            match self.peek() {
                None => return Err(self.error("unexpected end of file inside a string")),
                Some(b'"') => {
                    let text = self.text.get(start..self.at).unwrap_or("");
                    self.at += 1;
                    return Ok(Cow::Borrowed(text));
                }
                Some(b'\\') => break,
                Some(byte) if byte < 0x20 => return Err(self.control_error(byte)),
                Some(_) => self.at += 1,
            }
        }
        let mut decoded = String::from(self.text.get(start..self.at).unwrap_or(""));
        loop {
            match self.peek() {
                None => return Err(self.error("unexpected end of file inside a string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(Cow::Owned(decoded));
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut decoded)?;
                }
                Some(byte) if byte < 0x20 => return Err(self.control_error(byte)),
                Some(_) => {
                    // Copy the run up to the next quote, backslash or control.
                    let run_start = self.at;
                    while self
                        .peek()
                        .is_some_and(|byte| byte != b'"' && byte != b'\\' && byte >= 0x20)
                    {
                        self.at += 1;
                    }
                    decoded.push_str(self.text.get(run_start..self.at).unwrap_or(""));
                }
            }
        }
    }

    /// The escape after a backslash, appended to `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("unexpected end of file inside a string"));
        };
        self.at += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => {
                self.at -= 1;
                return Err(self.error("invalid escape in a string"));
            }
        };
        out.push(c);
        Ok(())
    }

    /// The character of a `\uXXXX` escape (the `\u` already read),
    /// including a surrogate pair written as two escapes.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let escape_start = self.at.saturating_sub(2);
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.error_at(escape_start, "lone surrogate in a `\\u` escape"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error_at(escape_start, "lone surrogate in a `\\u` escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error_at(escape_start, "lone surrogate in a `\\u` escape")),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.error_at(escape_start, "invalid `\\u` escape"))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|byte| char::from(byte).to_digit(16));
            let Some(digit) = digit else {
                return Err(self.error("invalid `\\u` escape: expected four hexadecimal digits"));
            };
            value = value * 16 + digit;
            self.at += 1;
        }
        Ok(value)
    }

    fn control_error(&self, byte: u8) -> SyntaxError {
        let what = match byte {
            b'\n' => "a line break".to_owned(),
            b'\t' => "a tab".to_owned(),
            _ => format!("the control character U+{byte:04X}"),
        };
        self.error(&format!(
            "{what} inside a string (write it as an escape, or close the string)"
        ))
    }

    fn expect(&mut self, byte: u8, message: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn error(&self, message: &str) -> SyntaxError {
        self.error_at(self.at, message)
    }

    fn error_at(&self, offset: usize, message: &str) -> SyntaxError {
        let at_end = offset >= self.bytes.len() && !message.contains("end of file") && !message.contains("empty");
        let message = if at_end {
            format!("{message}, found the end of the file")
        } else {
            message.to_owned()
        };
        SyntaxError { offset, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Result<Vec<Event<'_>>, SyntaxError> {
        let mut parser = Parser::new(text);
        let mut events = Vec::new();
        while let Some(event) = parser.next_event()? {
            events.push(event);
        }
        Ok(events)
    }

    #[test]
    fn reports_each_value_with_its_offsets() {
        let found = events(r#" {"a": [1, "x\u00e9"], "b": null} "#);
        assert_eq!(
            found,
            Ok(vec![
                Event::StartObject(1),
                Event::Key(Cow::Borrowed("a"), 2, 5),
                Event::StartArray(7),
                Event::Scalar(Scalar::Number("1"), 8, 9),
                Event::Scalar(Scalar::String(Cow::Owned("xé".to_owned())), 11, 20),
                Event::EndArray(21),
                Event::Key(Cow::Borrowed("b"), 23, 26),
                Event::Scalar(Scalar::Null, 28, 32),
                Event::EndObject(33),
            ])
        );
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let found = events(r#"["\"\\\/\b\f\n\r\t", "\ud83d\ude00"]"#);
        let Ok(found) = found else { panic!("{found:?}") };
        assert_eq!(
            found.get(1),
            Some(&Event::Scalar(Scalar::String("\"\\/\u{8}\u{c}\n\r\t".into()), 1, 19))
        );
        assert!(matches!(found.get(2), Some(Event::Scalar(Scalar::String(s), ..)) if s == "\u{1F600}"));
    }

    #[test]
    fn refuses_what_json_does_not_allow() {
        for (text, offset) in [
            ("", 0),
            ("[1,]", 3),
            ("[1 2]", 3),
            ("{\"a\" 1}", 5),
            ("{a: 1}", 1),
            ("{\"a\": 1,}", 8),
            ("[01]", 2),
            ("[1.]", 3),
            ("[-]", 2),
            ("[1e]", 3),
            ("[tru]", 1),
            ("[\"a\nb\"]", 3),
            ("[\"\\x\"]", 3),
            ("[\"\\ud800\"]", 2),
            ("[\"\\udc00\"]", 2),
            ("[\"\\u12G4\"]", 6),
            ("[1] [2]", 4),
            ("[\"abc", 5),
            ("[", 1),
            ("// comment\n[]", 0),
        ] {
            match events(text) {
                Err(error) => assert_eq!(error.offset, offset, "{text:?}: {error:?}"),
                Ok(found) => panic!("{text:?} accepted: {found:?}"),
            }
        }
    }

    #[test]
    fn nesting_costs_no_call_stack() {
        let depth = 200_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(events(&text).map(|events| events.len()), Ok(2 * depth));
    }

    #[test]
    fn a_scalar_is_a_whole_document() {
        assert_eq!(events(" 7 "), Ok(vec![Event::Scalar(Scalar::Number("7"), 1, 2)]));
    }
}
