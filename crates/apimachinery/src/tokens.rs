//! kube-apiserver's static token file (`--token-auth-file`): CSV records
//! `token,user,uid[,"group1,group2,..."]`, read as Go's `encoding/csv` reads them (quoted
//! fields with `""` escapes and embedded newlines, blank lines skipped, no comment lines).
//!
//! ```
//! use concord_apimachinery::tokens::TokenFile;
//!
//! let file = TokenFile::parse("s3cret,alice,1001,\"dev,ops\"\n")?;
//! let alice = file.authenticate("s3cret").unwrap();
//! assert_eq!(alice.groups, ["dev", "ops", "system:authenticated"]);
//! assert!(file.authenticate("guess").is_none());
//! assert!(!format!("{file:?}").contains("s3cret"));
//! # Ok::<(), concord_apimachinery::tokens::TokenFileError>(())
//! ```

use crate::rbac::UserInfo;
use std::fmt;
use subtle::ConstantTimeEq;

/// A token file that cannot be read; lines and columns count from 1, columns in bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenFileError {
    /// Go's `bare " in non-quoted-field`.
    #[error("{}bare \" in non-quoted-field", position(*.start_line, *.line, *.column))]
    BareQuote {
        /// The line the record starts on.
        start_line: usize,
        /// The line of the error.
        line: usize,
        /// The byte column of the error.
        column: usize,
    },
    /// Go's `extraneous or missing " in quoted-field`.
    #[error("{}extraneous or missing \" in quoted-field", position(*.start_line, *.line, *.column))]
    Quote {
        /// The line the record starts on.
        start_line: usize,
        /// The line of the error.
        line: usize,
        /// The byte column of the error.
        column: usize,
    },
    /// A record with fewer than three fields.
    #[error(
        "record on line {line}: token file must have at least 3 columns (token, user name, user uid), found {found}"
    )]
    TooFewColumns {
        /// The line the record starts on.
        line: usize,
        /// The number of fields found.
        found: usize,
    },
}

/// Go's `csv.ParseError` position prefix.
fn position(start_line: usize, line: usize, column: usize) -> String {
    if start_line == line {
        format!("parse error on line {line}, column {column}: ")
    } else {
        format!("record on line {start_line}; parse error on line {line}, column {column}: ")
    }
}

/// The users of a token file, by token. Its `Debug` shows users, never tokens.
#[derive(Clone, Default)]
pub struct TokenFile {
    entries: Vec<(Vec<u8>, UserInfo)>,
}

impl fmt::Debug for TokenFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenFile")
            .field("users", &self.entries.iter().map(|(_, user)| user.name.as_str()).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl TokenFile {
    /// Reads a token file. As kube: records with an empty token are skipped, a later record for
    /// the same token replaces an earlier one, and a fourth column is split on `,` into groups.
    pub fn parse(text: &str) -> Result<TokenFile, TokenFileError> {
        let mut entries: Vec<(Vec<u8>, UserInfo)> = Vec::new();
        for (line, record) in read_csv(text)? {
            let [token, name, uid, rest @ ..] = record.as_slice() else {
                return Err(TokenFileError::TooFewColumns { line, found: record.len() });
            };
            if token.is_empty() {
                continue;
            }
            let groups = rest.first().map(|g| g.split(',').map(str::to_owned).collect()).unwrap_or_default();
            let user = UserInfo::new(name, uid, groups);
            entries.retain(|(t, _)| t.as_slice() != token.as_bytes());
            entries.push((token.as_bytes().to_vec(), user));
        }
        Ok(TokenFile { entries })
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the file has no tokens.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The user a bearer token authenticates, with `system:authenticated` added as
    /// kube-apiserver adds it. Every token is compared in constant time (only the length of a
    /// token can show in timing).
    pub fn authenticate(&self, bearer: &str) -> Option<UserInfo> {
        let mut found = None;
        for (token, user) in &self.entries {
            if bool::from(token.as_slice().ct_eq(bearer.as_bytes())) {
                found = Some(user);
            }
        }
        found.map(|user| user.clone().with_authenticated_group())
    }
}

/// Go's `encoding/csv` reader with its defaults (comma separator, no comment character,
/// variable field counts, strict quotes): each record with the line it starts on.
fn read_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, TokenFileError> {
    let lines = split_lines(text);
    let mut records = Vec::new();
    let mut index = 0;
    while let Some(first) = lines.get(index) {
        index += 1;
        if first.is_empty() || first == "\n" {
            continue;
        }
        let start_line = index;
        let mut line_number = index;
        let mut line: &str = first;
        let mut fields = Vec::new();
        let mut column = 1;
        loop {
            if !line.starts_with('"') {
                let end = line.find(',');
                let field = match end {
                    Some(i) => &line[..i],
                    None => line.strip_suffix('\n').unwrap_or(line),
                };
                if let Some(j) = field.find('"') {
                    return Err(TokenFileError::BareQuote {
                        start_line,
                        line: line_number,
                        column: column + j,
                    });
                }
                fields.push(field.to_owned());
                match end {
                    Some(i) => {
                        line = &line[i + 1..];
                        column += i + 1;
                        continue;
                    }
                    None => break,
                }
            }
            // A quoted field, possibly over several lines.
            let mut field = String::new();
            line = &line[1..];
            column += 1;
            let end_of_record = loop {
                if let Some(i) = line.find('"') {
                    field.push_str(&line[..i]);
                    line = &line[i + 1..];
                    column += i + 1;
                    if let Some(rest) = line.strip_prefix('"') {
                        field.push('"');
                        line = rest;
                        column += 1;
                    } else if let Some(rest) = line.strip_prefix(',') {
                        line = rest;
                        column += 1;
                        break false;
                    } else if line.is_empty() || line == "\n" {
                        break true;
                    } else {
                        return Err(TokenFileError::Quote {
                            start_line,
                            line: line_number,
                            column: column - 1,
                        });
                    }
                } else if !line.is_empty() {
                    field.push_str(line);
                    column += line.len();
                    match lines.get(index) {
                        Some(next) => {
                            index += 1;
                            line_number += 1;
                            column = 1;
                            line = next;
                        }
                        None => line = "",
                    }
                } else {
                    return Err(TokenFileError::Quote { start_line, line: line_number, column });
                }
            };
            fields.push(field);
            if end_of_record {
                break;
            }
        }
        records.push((start_line, fields));
    }
    Ok(records)
}

/// The lines of `text`, each ending in `\n` but perhaps the last, with `\r\n` read as `\n` and
/// a final `\r` dropped, as Go's reader reads them.
fn split_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, tail) = match rest.find('\n') {
            Some(i) => rest.split_at(i + 1),
            None => (rest.strip_suffix('\r').unwrap_or(rest), ""),
        };
        lines.push(match line.strip_suffix("\r\n") {
            Some(body) => format!("{body}\n"),
            None => line.to_owned(),
        });
        rest = tail;
    }
    lines
}
