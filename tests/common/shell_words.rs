//! The commands of a shell script, as the words a program receives: enough
//! of the POSIX shell's quoting and operators to read the scripts in the
//! documentation, so that each `crmpol ...` in them can be parsed.
//!
//! In: a script (a `run:` step, a `sh` block). Out: one list of words per
//! simple command, without its redirections and leading `NAME=value`
//! assignments. A GitHub Actions expression `${{ ... }}` becomes one word,
//! `EXPR`, as the runner substitutes it before the shell runs; `$NAME`
//! stays as written, since the value does not matter to an argument parser.

/// Every simple command of `script`, in order.
pub fn commands(script: &str) -> Vec<Vec<String>> {
    let script = without_expressions(&script.replace("\\\n", " "));
    let mut commands = Vec::new();
    for line in script.lines() {
        let mut current = Vec::new();
        let mut skip_next = false;
        for token in tokens(line) {
            match token {
                Token::Word(_) if skip_next => skip_next = false,
                Token::Word(word) => {
                    let assignment = current.is_empty() && is_assignment(&word);
                    if !assignment {
                        current.push(word);
                    }
                }
                Token::Redirect => skip_next = true,
                Token::Separator => {
                    if !current.is_empty() {
                        commands.push(std::mem::take(&mut current));
                    }
                }
            }
        }
        if !current.is_empty() {
            commands.push(current);
        }
    }
    commands
}

/// The commands of `script` that run `program`, each with `program` first.
pub fn commands_of(script: &str, program: &str) -> Vec<Vec<String>> {
    commands(script)
        .into_iter()
        .filter(|words| words.first().is_some_and(|first| first == program))
        .collect()
}

enum Token {
    Word(String),
    /// `>`, `>>`, `<`, `2>`: the next word is a file, not an argument.
    Redirect,
    /// `|`, `||`, `&&`, `;`, `&`: the end of a simple command.
    Separator,
}

fn without_expressions(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                out.push_str("EXPR");
                rest = &rest[start + end + 2..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

fn tokens(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word: Option<String> = None;
    let end_word = |word: &mut Option<String>, tokens: &mut Vec<Token>| {
        if let Some(word) = word.take() {
            tokens.push(Token::Word(word));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => end_word(&mut word, &mut tokens),
            '#' if word.is_none() => break,
            '\'' => {
                let text = word.get_or_insert_with(String::new);
                for quoted in chars.by_ref() {
                    if quoted == '\'' {
                        break;
                    }
                    text.push(quoted);
                }
            }
            '"' => {
                let text = word.get_or_insert_with(String::new);
                while let Some(quoted) = chars.next() {
                    match quoted {
                        '"' => break,
                        '\\' => text.extend(chars.next()),
                        other => text.push(other),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '|' | ';' | '&' => {
                end_word(&mut word, &mut tokens);
                if chars.peek() == Some(&c) {
                    chars.next();
                }
                tokens.push(Token::Separator);
            }
            '>' | '<' => {
                // `2>` and `2>&1`: the descriptor belongs to the operator.
                if word.as_deref().is_some_and(|w| w.chars().all(|c| c.is_ascii_digit())) {
                    word = None;
                }
                end_word(&mut word, &mut tokens);
                if chars.peek() == Some(&c) {
                    chars.next();
                }
                if chars.peek() == Some(&'&') {
                    chars.next();
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                } else {
                    tokens.push(Token::Redirect);
                }
            }
            other => word.get_or_insert_with(String::new).push(other),
        }
    }
    end_word(&mut word, &mut tokens);
    tokens
}
