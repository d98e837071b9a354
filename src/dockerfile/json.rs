//! The JSON ("exec") form of instruction arguments: `COPY ["a b", "/dest/"]`.
//!
//! The engine tries to decode the arguments as one JSON value (Go's `json.Decoder`, which
//! ignores what follows the value) and falls back to the shell form when that fails, so telling
//! the two apart needs a real JSON validator, not a test for `[`.

/// What the arguments are, read as JSON.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum JsonArgs {
    /// An array of strings: the JSON form.
    Strings(Vec<String>),
    /// Valid JSON array with a non-string element: the engine rejects the instruction.
    NotStrings,
    /// Not a JSON array: the shell form.
    Invalid,
}

/// Go's decoder stops at 10000 levels; far less is plenty and keeps the stack small.
const MAX_DEPTH: usize = 500;

/// Reads `text` as the engine does for JSON-form arguments.
pub(super) fn parse_args(text: &str) -> JsonArgs {
    let text = text.trim_start();
    if !text.starts_with('[') {
        return JsonArgs::Invalid;
    }
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    match parser.value(0) {
        Some(Value::Array(items)) => {
            let mut strings = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => strings.push(s),
                    Value::Other | Value::Array(_) => return JsonArgs::NotStrings,
                }
            }
            JsonArgs::Strings(strings)
        }
        _ => JsonArgs::Invalid,
    }
}

enum Value {
    String(String),
    /// Nested arrays are kept only at the top; below it any value is just "valid".
    Array(Vec<Value>),
    Other,
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    fn literal(&mut self, word: &str) -> Option<Value> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end) == Some(word.as_bytes())).then(|| {
            self.pos = end;
            Value::Other
        })
    }

    /// One value; None on a syntax error.
    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        let value = match self.peek()? {
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.eat(b']').is_none() {
                    loop {
                        let item = self.value(depth + 1)?;
                        // Only the top level's elements matter; keep memory flat below it.
                        items.push(if depth == 0 { item } else { Value::Other });
                        self.skip_ws();
                        if self.eat(b',').is_some() {
                            continue;
                        }
                        self.eat(b']')?;
                        break;
                    }
                }
                Value::Array(items)
            }
            b'{' => {
                self.pos += 1;
                self.skip_ws();
                if self.eat(b'}').is_none() {
                    loop {
                        self.skip_ws();
                        self.string()?;
                        self.skip_ws();
                        self.eat(b':')?;
                        self.value(depth + 1)?;
                        self.skip_ws();
                        if self.eat(b',').is_some() {
                            continue;
                        }
                        self.eat(b'}')?;
                        break;
                    }
                }
                Value::Other
            }
            b'"' => Value::String(self.string()?),
            b't' => self.literal("true")?,
            b'f' => self.literal("false")?,
            b'n' => self.literal("null")?,
            _ => self.number()?,
        };
        Some(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Option<Value> {
        self.eat(b'-');
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat(b'.').is_some() && self.digits() == 0 {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(Value::Other)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        // from_str_radix accepts a sign; JSON does not.
        if digits.starts_with('+') {
            return None;
        }
        self.pos += 4;
        Some(value)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos)?);
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = self.peek()?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return None,
                    }
                }
                // A raw control character.
                _ => return None,
            }
        }
    }

    /// `\uXXXX`, joining a surrogate pair; a lone surrogate becomes U+FFFD, as in Go.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first)
            && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
        {
            let save = self.pos;
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let joined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Some(char::from_u32(joined).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
        }
        Some(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }
}
