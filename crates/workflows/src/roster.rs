//! The roster: the people who should have access, from a CSV export, a plain list or code.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Which CSV columns hold what: the email (required), the name, and an "active" column
/// with the value that means active.
///
/// ```
/// use cfzt_workflows::ColumnMap;
/// let map = ColumnMap::new("Work Email").name("Full Name").active("Status", "Active");
/// assert_eq!(map.email_column(), "Work Email");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    email: String,
    name: Option<String>,
    active: Option<(String, String)>,
}

impl ColumnMap {
    /// Emails in the column headed `email` (headers are compared exactly, after trimming).
    pub fn new(email: impl Into<String>) -> Self {
        Self { email: email.into(), name: None, active: None }
    }

    /// Names in the column headed `column`; an empty cell means "no name".
    #[must_use]
    pub fn name(mut self, column: impl Into<String>) -> Self {
        self.name = Some(column.into());
        self
    }

    /// Only rows whose `column` holds `value` (trimmed, ignoring ASCII case) are in the
    /// roster; the others are *marked inactive* ([`Roster::is_marked_inactive`]).
    #[must_use]
    pub fn active(mut self, column: impl Into<String>, value: impl Into<String>) -> Self {
        self.active = Some((column.into(), value.into()));
        self
    }

    /// The header of the email column.
    pub fn email_column(&self) -> &str {
        &self.email
    }
}

/// Why a roster could not be read. Nothing is guessed: a missing column or a broken
/// row is an error naming it.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// A mapped column is not in the CSV header.
    #[error("the roster has no column {column:?} (its columns: {available})")]
    MissingColumn {
        /// The column asked for.
        column: String,
        /// The header's columns, comma-separated.
        available: String,
    },
    /// The CSV could not be read (a malformed row, bad UTF-8, an I/O error).
    #[error("the roster's CSV could not be read at line {line}: {message}")]
    Csv {
        /// The line (1-based), 0 when unknown.
        line: u64,
        /// What went wrong.
        message: String,
    },
}

/// One person of a roster.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPerson {
    /// The email as the roster spells it (first spelling, when listed twice).
    pub email: String,
    /// The name the roster gives, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The rows (1-based, header excluded) the person is listed on: more than one means
    /// a duplicate, and then no name is taken from the roster ([`Roster::duplicates`]).
    pub rows: Vec<usize>,
}

impl RosterPerson {
    /// `true` when the person is listed on more than one row.
    pub fn is_duplicate(&self) -> bool {
        self.rows.len() > 1
    }
}

/// A row whose email is not a valid email: reported, never matched.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidRow {
    /// The row (1-based, header excluded).
    pub row: usize,
    /// The cell as found.
    pub email: String,
    /// Why it is not an email.
    pub error: String,
}

/// The people who should have access. Emails are matched by the one rule of the
/// workspace, ASCII case ignored ([`cfzt_models::email_key`]); a person listed twice is
/// one person and reported as a duplicate ([`Roster::duplicates`]), never guessed
/// between.
///
/// ```
/// use cfzt_workflows::Roster;
/// let mut roster = Roster::new();
/// roster.push("jdoe@example.com", Some("Jane Doe"));
/// roster.push("JDOE@example.com", Some("J. Doe"));
/// roster.push("asmith@example.com", None::<&str>);
/// assert_eq!(roster.len(), 2);
/// assert_eq!(roster.duplicates().count(), 1);
/// assert!(roster.get("Jdoe@Example.com").is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    people: Vec<RosterPerson>,
    index: HashMap<String, usize>,
    inactive: HashMap<String, usize>,
    invalid: Vec<InvalidRow>,
    rows: usize,
}

/// The trimmed, non-blank lines of a list file's text: a line ends at LF, CRLF or a lone
/// CR (as old Mac exports write), and a leading byte-order mark is not part of the first
/// line. The one line rule of [`Roster::from_list`] and
/// [`Protected::from_list`](crate::Protected::from_list).
pub(crate) fn list_lines(text: &str) -> impl Iterator<Item = &str> {
    text.strip_prefix('\u{feff}').unwrap_or(text).split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty())
}

impl Roster {
    /// An empty roster.
    pub fn new() -> Self {
        Self::default()
    }

    /// A roster of these emails, without names.
    ///
    /// ```
    /// let roster = cfzt_workflows::Roster::from_emails(["a@example.com", "b@example.com"]);
    /// assert_eq!(roster.len(), 2);
    /// ```
    pub fn from_emails<I, S>(emails: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut roster = Self::new();
        for email in emails {
            roster.push(email, None::<String>);
        }
        roster
    }

    /// A roster from a plain list: one email per line (ended by LF, CRLF or a lone CR, a
    /// leading byte-order mark ignored); blank lines and lines starting with `#` are left
    /// out, and each line is trimmed.
    ///
    /// ```
    /// let roster = cfzt_workflows::Roster::from_list("# staff\na@example.com\n\n b@example.com \n");
    /// assert_eq!(roster.len(), 2);
    /// ```
    pub fn from_list(text: &str) -> Self {
        Self::from_emails(list_lines(text).filter(|l| !l.starts_with('#')))
    }

    /// A roster from CSV with a header row, read through `map`.
    ///
    /// ```
    /// use cfzt_workflows::{ColumnMap, Roster};
    /// let csv = "Work Email,Full Name,Status\njdoe@example.com,Jane Doe,Active\nold@example.com,Old,Terminated\n";
    /// let map = ColumnMap::new("Work Email").name("Full Name").active("Status", "active");
    /// let roster = Roster::from_csv(csv.as_bytes(), &map)?;
    /// assert_eq!(roster.len(), 1);
    /// assert!(roster.is_marked_inactive("OLD@example.com"));
    /// # Ok::<(), cfzt_workflows::RosterError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RosterError::MissingColumn`] when a mapped column is not in the header;
    /// [`RosterError::Csv`] for a row that cannot be read. Rows with an invalid email are
    /// not errors: they are kept aside ([`Roster::invalid_rows`]).
    pub fn from_csv(reader: impl std::io::Read, map: &ColumnMap) -> Result<Self, RosterError> {
        let csv_error = |e: csv::Error| RosterError::Csv {
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        };
        let mut csv = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(reader);
        let headers = csv.headers().map_err(csv_error)?.clone();
        let column = |name: &str| {
            headers.iter().position(|h| h == name.trim()).ok_or_else(|| RosterError::MissingColumn {
                column: name.to_string(),
                available: headers.iter().collect::<Vec<_>>().join(", "),
            })
        };
        let email = column(&map.email)?;
        let name = map.name.as_deref().map(column).transpose()?;
        let active = match &map.active {
            Some((col, value)) => Some((column(col)?, value.trim().to_string())),
            None => None,
        };
        let mut roster = Self::new();
        for record in csv.records() {
            let record = record.map_err(csv_error)?;
            let cell = |i: usize| record.get(i).unwrap_or_default();
            let is_active = active.as_ref().is_none_or(|(i, value)| cell(*i).eq_ignore_ascii_case(value));
            let name = name.map(cell).filter(|n| !n.is_empty());
            if is_active {
                roster.push(cell(email), name);
            } else {
                roster.rows += 1;
                if cfzt_models::validate_email(cell(email)).is_ok() {
                    roster.inactive.insert(cfzt_models::email_key(cell(email)), roster.rows);
                }
            }
        }
        Ok(roster)
    }

    /// Adds a person. The same email again (ignoring ASCII case) adds a row to the first
    /// entry and makes it a duplicate; an invalid email is kept aside as an invalid row.
    pub fn push(&mut self, email: impl Into<String>, name: Option<impl Into<String>>) {
        let email = email.into().trim().to_string();
        self.rows += 1;
        let row = self.rows;
        if let Err(e) = cfzt_models::validate_email(&email) {
            self.invalid.push(InvalidRow { row, email, error: e.to_string() });
            return;
        }
        let key = cfzt_models::email_key(&email);
        match self.index.get(&key) {
            Some(&i) => self.people[i].rows.push(row),
            None => {
                self.index.insert(key, self.people.len());
                let name = name.map(|n| n.into().trim().to_string()).filter(|n| !n.is_empty());
                self.people.push(RosterPerson { email, name, rows: vec![row] });
            }
        }
    }

    /// How many people (an email listed twice counts once; invalid rows do not count).
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// `true` when the roster has no one.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// The people, in the order first listed.
    pub fn people(&self) -> &[RosterPerson] {
        &self.people
    }

    /// The person with this email (ignoring ASCII case), if listed.
    pub fn get(&self, email: &str) -> Option<&RosterPerson> {
        self.index.get(&cfzt_models::email_key(email)).map(|&i| &self.people[i])
    }

    /// The people listed more than once: they are in the roster, but their name is not
    /// taken from it.
    pub fn duplicates(&self) -> impl Iterator<Item = &RosterPerson> {
        self.people.iter().filter(|p| p.is_duplicate())
    }

    /// `true` when a CSV row marks this email as not active (and no active row lists it).
    pub fn is_marked_inactive(&self, email: &str) -> bool {
        let key = cfzt_models::email_key(email);
        self.inactive.contains_key(&key) && !self.index.contains_key(&key)
    }

    /// The rows whose email is not valid.
    pub fn invalid_rows(&self) -> &[InvalidRow] {
        &self.invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list however it was saved: a BOM, CRLF or lone-CR line ends, blank lines, comments.
    #[test]
    fn a_list_is_read_whatever_its_line_ends() {
        for text in [
            "\u{feff}a@example.com\nb@example.com\n",
            "a@example.com\r\nb@example.com\r\n",
            "a@example.com\rb@example.com\r",
            "\u{feff}# staff\r\n\r\n a@example.com \rb@example.com",
        ] {
            let roster = Roster::from_list(text);
            assert!(roster.invalid_rows().is_empty(), "{text:?}: {:?}", roster.invalid_rows());
            assert_eq!(roster.len(), 2, "{text:?}");
            assert!(roster.get("A@example.com").is_some() && roster.get("b@example.com").is_some(), "{text:?}");
        }
    }

    const CSV: &str = "Work Email,Full Name,Status\n\
        jdoe@example.com, Jane Doe ,Active\n\
        JDOE@example.com,Jane D.,active\n\
        gone@example.com,Gone,Terminated\n\
        not-an-email,Someone,Active\n\
        mar\u{212A}@example.com,Kelvin,Active\n\
        mark@example.com,,Active\n";

    fn map() -> ColumnMap {
        ColumnMap::new("Work Email").name("Full Name").active("Status", "ACTIVE")
    }

    #[test]
    fn csv_rows_are_mapped_and_duplicates_kept_apart() {
        let roster = Roster::from_csv(CSV.as_bytes(), &map()).unwrap();
        assert_eq!(roster.len(), 3, "{roster:?}");
        let jane = roster.get("jdoe@EXAMPLE.com").unwrap();
        assert_eq!((jane.name.as_deref(), jane.rows.as_slice()), (Some("Jane Doe"), &[1, 2][..]));
        assert_eq!(roster.duplicates().count(), 1);
        assert!(roster.is_marked_inactive("gone@example.com"));
        assert_eq!(roster.invalid_rows().len(), 1);
        assert_eq!(roster.invalid_rows()[0].row, 4);
        // A lookalike is another person, and an empty name is no name.
        assert_eq!(roster.get("mark@example.com").unwrap().name, None);
        assert_eq!(roster.get("mar\u{212A}@example.com").unwrap().name.as_deref(), Some("Kelvin"));
    }

    #[test]
    fn a_missing_column_is_named() {
        for map in [ColumnMap::new("Email"), map().name("Name"), ColumnMap::new("Work Email").active("State", "x")] {
            let err = Roster::from_csv(CSV.as_bytes(), &map).unwrap_err();
            assert!(matches!(err, RosterError::MissingColumn { .. }), "{err}");
            assert!(err.to_string().contains("Work Email, Full Name, Status"), "{err}");
        }
    }

    #[test]
    fn a_plain_list_skips_comments_and_blanks() {
        let roster = Roster::from_list("# who\n\na@example.com\r\n A@EXAMPLE.COM\n");
        assert_eq!(roster.len(), 1);
        assert_eq!(roster.duplicates().count(), 1);
        assert!(Roster::from_list("# nobody\n").is_empty());
    }
}
