//! The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`), parsed by
//! aws-c-sdkutils' rules, and merged as its profile collections are.
//!
//! A line is a section declaration (`[profile x]`, `[sso-session x]`, `[services x]`, or `[x]`:
//! in the config file only `[default]` goes without a prefix, in the credentials file no prefix
//! is allowed), a property (`key = value`), or a continuation (leading white space) appended to
//! the last property's value after a newline; when that property's value was empty the
//! continuation is a `key = value` sub-property too. `#` and `;` start comments (after a
//! declaration anywhere, after a value only behind white space, never on a continuation). A
//! recoverable error skips the line (and the properties of a bad declaration); a fatal one (a
//! declaration without `]`, a property line without `=`, a property or continuation before any
//! section) fails the whole file.

use std::collections::HashMap;

/// Which file a collection came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Neither (a merge).
    None,
    /// The config file.
    Config,
    /// The credentials file.
    Credentials,
}

/// The kinds of section, as upstream numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// `[profile x]`, `[default]`, or any `[x]` of the credentials file.
    Profile = 0,
    /// `[sso-session x]`.
    SsoSession = 1,
    /// `[services x]`.
    Services = 2,
}

/// One property: its value and, for a property declared empty, its sub-properties.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Property {
    /// The value (continuations joined with newlines).
    pub value: Vec<u8>,
    /// `key = value` continuations of a property whose own value was empty.
    pub sub_properties: HashMap<Vec<u8>, Vec<u8>>,
    empty_valued: bool,
}

/// One section's properties.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Whether it was declared `[profile x]` (which beats `[default]` in the config file).
    pub has_profile_prefix: bool,
    /// By name.
    pub properties: HashMap<Vec<u8>, Property>,
}

impl Profile {
    /// The value of property `name`, if set.
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.properties.get(name).map(|p| p.value.as_slice())
    }
}

/// The sections of one or two files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    /// Where it came from.
    pub source: Source,
    /// By kind, then by name.
    pub sections: [HashMap<Vec<u8>, Profile>; 3],
}

impl Collection {
    fn empty(source: Source) -> Self {
        Self {
            source,
            sections: Default::default(),
        }
    }

    /// The profile named `name`.
    pub fn profile(&self, name: &[u8]) -> Option<&Profile> {
        self.sections[Section::Profile as usize].get(name)
    }
}

/// A file that cannot be used at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fatal;

/// What one line did wrong.
enum LineError {
    /// The line is skipped.
    Recoverable,
    /// The file is refused.
    Fatal,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

fn is_identifier(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"\\_-/.%@:+".contains(&b)
}

fn is_comment(b: u8) -> bool {
    b == b'#' || b == b';'
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_whitespace(b)).count();
    &s[n..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s.iter().rev().take_while(|&&b| is_whitespace(b)).count();
    &s[..s.len() - n]
}

/// Splits off the longest prefix whose bytes satisfy `pred`.
fn take_while(s: &[u8], pred: impl Fn(u8) -> bool) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|&&b| pred(b)).count();
    s.split_at(n)
}

/// Where parsing stands: the section and property later lines apply to.
struct Parser {
    collection: Collection,
    seen_section: bool,
    current: Option<(usize, Vec<u8>)>,
    property: Option<Vec<u8>>,
}

impl Parser {
    fn profile_mut(&mut self) -> Option<&mut Profile> {
        let (kind, name) = self.current.as_ref()?;
        self.collection.sections[*kind].get_mut(name)
    }

    fn line(&mut self, line: &[u8]) -> Result<(), LineError> {
        let n = line.iter().rev().take_while(|&&b| b == b'\r').count();
        let line = &line[..line.len() - n];
        if line.is_empty() || is_comment(line[0]) || trim_start(line).is_empty() {
            return Ok(());
        }
        if line[0] == b'[' {
            return self.declaration(line);
        }
        if is_whitespace(line[0]) {
            return self.continuation(line);
        }
        self.property(line)
    }

    fn declaration(&mut self, line: &[u8]) -> Result<(), LineError> {
        let uncommented = take_while(line, |b| !is_comment(b)).0;
        let mut rest = trim_start(&trim_end(uncommented)[1..]);
        self.seen_section = true;
        self.current = None;
        self.property = None;
        let mut kind = Section::Profile;
        let mut prefixed = false;
        for (token, k) in [
            (&b"profile"[..], Section::Profile),
            (b"sso-session", Section::SsoSession),
            (b"services", Section::Services),
        ] {
            if let Some(after) = rest.strip_prefix(token)
                && after.first().is_some_and(|&b| is_whitespace(b))
            {
                kind = k;
                prefixed = true;
                rest = trim_start(after);
                break;
            }
        }
        if prefixed && self.collection.source == Source::Credentials {
            return Err(LineError::Recoverable);
        }
        let (name, after) = take_while(rest, is_identifier);
        if name.is_empty() {
            return Err(LineError::Recoverable);
        }
        if self.collection.source == Source::Config && !prefixed && name != b"default" {
            return Err(LineError::Recoverable);
        }
        let (invalid, end) = take_while(trim_start(after), |b| b != b']');
        if end.is_empty() {
            return Err(LineError::Fatal);
        }
        if !invalid.is_empty() {
            return Err(LineError::Recoverable);
        }
        self.add_section(kind, name, prefixed && kind == Section::Profile);
        Ok(())
    }

    fn add_section(&mut self, kind: Section, name: &[u8], has_profile_prefix: bool) {
        let table = &mut self.collection.sections[kind as usize];
        if kind == Section::Profile
            && self.collection.source == Source::Config
            && name == b"default"
        {
            match table.get(name).map(|p| p.has_profile_prefix) {
                // `[profile default]` came first and wins: this section is ignored.
                Some(true) if !has_profile_prefix => return,
                // `[profile default]` replaces a `[default]` seen before.
                Some(false) if has_profile_prefix => {
                    table.remove(name);
                }
                _ => {}
            }
        }
        table.entry(name.to_vec()).or_insert_with(|| Profile {
            has_profile_prefix,
            properties: HashMap::new(),
        });
        self.current = Some((kind as usize, name.to_vec()));
    }

    fn continuation(&mut self, line: &[u8]) -> Result<(), LineError> {
        let text = trim_start(trim_end(line));
        let Some(name) = self.property.clone() else {
            return Err(LineError::Fatal);
        };
        let Some(property) = self.profile_mut().and_then(|p| p.properties.get_mut(&name)) else {
            return Err(LineError::Fatal);
        };
        property.value.push(b'\n');
        property.value.extend_from_slice(text);
        if property.empty_valued {
            let (key, rest) = take_while(text, |b| b != b'=');
            if key.is_empty() || rest.is_empty() {
                return Err(LineError::Fatal);
            }
            let key = trim_end(key);
            if !key.iter().all(|&b| is_identifier(b)) {
                return Err(LineError::Recoverable);
            }
            property
                .sub_properties
                .insert(key.to_vec(), trim_start(&rest[1..]).to_vec());
        }
        Ok(())
    }

    fn property(&mut self, line: &[u8]) -> Result<(), LineError> {
        // A comment after a value starts with white space then `#` or `;`.
        let end = line
            .windows(2)
            .position(|w| is_whitespace(w[0]) && is_comment(w[1]))
            .unwrap_or(line.len());
        let text = trim_end(&line[..end]);
        self.property = None;
        let (key, rest) = take_while(text, |b| b != b'=');
        if key.is_empty() {
            return Err(LineError::Fatal);
        }
        let key = trim_end(key);
        if !key.iter().all(|&b| is_identifier(b)) {
            return Err(LineError::Recoverable);
        }
        if rest.is_empty() {
            return Err(LineError::Fatal);
        }
        let value = trim_start(&rest[1..]);
        let seen = self.seen_section;
        let Some(profile) = self.profile_mut() else {
            return Err(if seen {
                LineError::Recoverable
            } else {
                LineError::Fatal
            });
        };
        profile.properties.insert(
            key.to_vec(),
            Property {
                value: value.to_vec(),
                sub_properties: HashMap::new(),
                empty_valued: value.is_empty(),
            },
        );
        self.property = Some(key.to_vec());
        Ok(())
    }
}

/// Parses one file's text.
pub fn parse(text: &[u8], source: Source) -> Result<Collection, Fatal> {
    let mut parser = Parser {
        collection: Collection::empty(source),
        seen_section: false,
        current: None,
        property: None,
    };
    for line in text.split(|&b| b == b'\n') {
        if let Err(LineError::Fatal) = parser.line(line) {
            return Err(Fatal);
        }
    }
    Ok(parser.collection)
}

/// The config file's sections overlaid with the credentials file's: a property of the second
/// replaces the first's value (its sub-properties are merged, the second's winning).
pub fn merge(config: Option<&Collection>, credentials: Option<&Collection>) -> Collection {
    let mut merged = Collection::empty(Source::None);
    for source in [config, credentials].into_iter().flatten() {
        for (kind, sections) in source.sections.iter().enumerate() {
            for (name, profile) in sections {
                let dest = merged.sections[kind].entry(name.clone()).or_default();
                dest.has_profile_prefix = profile.has_profile_prefix;
                for (key, property) in &profile.properties {
                    let d = dest.properties.entry(key.clone()).or_default();
                    d.value = property.value.clone();
                    d.empty_valued = property.empty_valued;
                    for (k, v) in &property.sub_properties {
                        d.sub_properties.insert(k.clone(), v.clone());
                    }
                }
            }
        }
    }
    merged
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
