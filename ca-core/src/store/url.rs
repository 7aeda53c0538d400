//! The database URL, parsed once: which backend, and where.

use std::fmt;
use std::path::PathBuf;

use super::StoreError;

/// Where the store lives. Built from `sqlite://PATH`, a plain path, or a
/// `postgres://` / `postgresql://` URL; the backend is never guessed by trying.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses a URL or path.
    pub fn parse(input: &str) -> Result<Self, StoreError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(StoreError::BadUrl {
                url: String::new(),
                reason: "it is empty",
            });
        }
        if input.starts_with("postgres://") || input.starts_with("postgresql://") {
            return Ok(Self::Postgres(input.to_owned()));
        }
        if let Some(path) = input.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::BadUrl {
                    url: input.to_owned(),
                    reason: "sqlite:// needs a file path",
                });
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if input.contains("://") {
            return Err(StoreError::BadUrl {
                url: redact(input),
                reason: "only sqlite:// and postgres:// are supported",
            });
        }
        Ok(Self::Sqlite(PathBuf::from(input)))
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Shows the URL without a password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            Self::Postgres(u) => f.write_str(&redact(u)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_from_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("data/govpki.db").unwrap(),
            DatabaseUrl::Sqlite("data/govpki.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().backend(),
            "postgres"
        );
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("  ").is_err());
    }

    #[test]
    fn password_never_shown() {
        let url = DatabaseUrl::parse("postgres://ca:s3cret@db/govpki").unwrap();
        assert_eq!(url.to_string(), "postgres://ca:***@db/govpki");
        assert!(!format!("{url:?}").contains("s3cret"));
    }
}
