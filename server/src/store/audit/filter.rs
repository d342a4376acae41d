//! An audit view's filter as SQL: every condition is one the log's indexes answer (actor,
//! action, design, engine, outcome, time through the entry numbers, words through the
//! full-text index), so the newest page of any view is read without scanning the log.

use anyhow::Context;
use app::model::audit::{ActionGroup, AuditFilter, Outcome};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Duration, PrimitiveDateTime, Time};

use super::Scope;

/// The most words a search may hold.
const MAX_WORDS: usize = 16;

/// What a reader may see of the log, as SQL over `audit_log`: readers below admin see
/// entries about designs and engines.
pub(super) const FOR_EVERYONE: &str = "(design_id IS NOT NULL OR object_kind IN ('design', 'engine') \
     OR action LIKE 'engine-%')";

/// A filter checked and resolved against the database, ready to become SQL.
#[derive(Debug, Clone)]
pub struct Criteria {
    filter: AuditFilter,
    scope: Scope,
    /// The entry numbers the time range covers (`None`: no range; an empty range reads
    /// nothing).
    ids: Option<(i64, i64)>,
    from: Option<String>,
    until: Option<String>,
    words: Option<String>,
}

/// The UTC instant a bound names, as the log stores times: a day (`YYYY-MM-DD`) or a time
/// (`YYYY-MM-DDTHH:MM[:SS]`, a trailing `Z` allowed). With `end`, the first instant after
/// the day, minute or second named (the bound is inclusive).
fn instant(text: &str, end: bool) -> Result<String, String> {
    let t = text.trim_end_matches(['Z', 'z']);
    let day = format_description!("[year]-[month]-[day]");
    let minute = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let second = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let (start, step) = if let Ok(d) = Date::parse(t, day) {
        (PrimitiveDateTime::new(d, Time::MIDNIGHT), Duration::DAY)
    } else if let Ok(m) = PrimitiveDateTime::parse(t, minute) {
        (m, Duration::MINUTE)
    } else if let Ok(s) = PrimitiveDateTime::parse(t, second) {
        (s, Duration::SECOND)
    } else {
        return Err(format!(
            "{text:?} is not a time; write a day as 2026-12-04 or a time as 2026-12-04T14:02 (UTC)"
        ));
    };
    let out_of_range = || format!("{text:?} is out of range; write a day as 2026-12-04");
    let at = if end {
        start.checked_add(step).ok_or_else(out_of_range)?
    } else {
        start
    };
    at.assume_utc().format(&Rfc3339).map_err(|_| out_of_range())
}

/// The full-text query for the words of `text`: each word a quoted phrase (nothing the
/// user writes is FTS syntax) that also matches as a prefix, all of them required.
fn match_expression(text: &str) -> Result<String, String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.chars().filter(|c| *c != '"').collect::<String>())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    if words.is_empty() {
        return Err("search for at least one word of letters or digits".into());
    }
    if words.len() > MAX_WORDS {
        return Err(format!("search for at most {MAX_WORDS} words at a time"));
    }
    Ok(words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" "))
}

/// Why a filter cannot be used.
#[derive(Debug)]
pub enum Refused {
    /// Something the reader wrote; the text says what to write instead.
    Input(String),
    Store(anyhow::Error),
}

impl From<anyhow::Error> for Refused {
    fn from(e: anyhow::Error) -> Self {
        Refused::Store(e)
    }
}

impl Criteria {
    /// Checks `filter` and looks up what its SQL needs (the entry numbers of the time
    /// range).
    pub async fn resolve(
        pool: &SqlitePool,
        filter: &AuditFilter,
        scope: Scope,
    ) -> Result<Criteria, Refused> {
        let from = filter
            .from
            .as_deref()
            .map(|t| instant(t, false))
            .transpose()
            .map_err(Refused::Input)?;
        let until = filter
            .to
            .as_deref()
            .map(|t| instant(t, true))
            .transpose()
            .map_err(Refused::Input)?;
        if let (Some(a), Some(b)) = (&from, &until)
            && a >= b
        {
            return Err(Refused::Input(
                "the range ends before it starts; put the earlier time in \"from\"".into(),
            ));
        }
        let words = filter
            .text
            .as_deref()
            .map(match_expression)
            .transpose()
            .map_err(Refused::Input)?;
        // Entries are numbered in the order they are stamped, so a time range is a range of
        // numbers: two lookups in the time index, then the primary key does the rest.
        let ids = if from.is_some() || until.is_some() {
            let lo: Option<i64> = match &from {
                Some(f) => sqlx::query_scalar(
                    "SELECT id FROM audit_log WHERE at >= ? ORDER BY at, id LIMIT 1",
                )
                .bind(f)
                .fetch_optional(pool)
                .await
                .context("reading the audit log's times")?,
                None => Some(0),
            };
            let hi: Option<i64> = match &until {
                Some(u) => sqlx::query_scalar(
                    "SELECT id FROM audit_log WHERE at < ? ORDER BY at DESC, id DESC LIMIT 1",
                )
                .bind(u)
                .fetch_optional(pool)
                .await
                .context("reading the audit log's times")?,
                None => Some(i64::MAX),
            };
            Some(match (lo, hi) {
                (Some(lo), Some(hi)) => (lo, hi),
                _ => (1, 0),
            })
        } else {
            None
        };
        Ok(Criteria {
            filter: filter.clone(),
            scope,
            ids,
            from,
            until,
            words,
        })
    }

    pub fn filter(&self) -> &AuditFilter {
        &self.filter
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The whole query: every column of the entries the filter selects, in entry order
    /// (`newest_first` or oldest first), after entry `after` when given, at most `limit`.
    pub fn select(
        &self,
        newest_first: bool,
        after: Option<i64>,
        limit: Option<i64>,
    ) -> QueryBuilder<'_, Sqlite> {
        // With words, the full-text index leads: it yields entry numbers in order, so the
        // newest matches come first without collecting every match.
        let from = if self.words.is_some() {
            "SELECT audit_log.* FROM audit_search JOIN audit_log ON audit_log.id = audit_search.rowid"
        } else {
            "SELECT * FROM audit_log"
        };
        let mut q = QueryBuilder::new(from);
        self.push_where(&mut q);
        if let Some(after) = after {
            q.push(format!(" AND {} > ", self.id_column()))
                .push_bind(after);
        }
        q.push(format!(
            " ORDER BY {} {}",
            self.id_column(),
            if newest_first { "DESC" } else { "ASC" }
        ));
        if let Some(n) = limit {
            q.push(" LIMIT ").push_bind(n);
        }
        q
    }

    /// The entry number's column: the full-text index's when it leads.
    fn id_column(&self) -> &'static str {
        if self.words.is_some() {
            "audit_search.rowid"
        } else {
            "id"
        }
    }

    /// The same criteria for one action (and any result, any words).
    pub fn only_action(&self, action: &str) -> Criteria {
        Criteria {
            filter: AuditFilter {
                action: Some(action.to_owned()),
                group: None,
                outcome: None,
                text: None,
                user: None,
                before: None,
                ..self.filter.clone()
            },
            words: None,
            ..self.clone()
        }
    }

    /// Appends ` WHERE …` (always at least the reader's scope) to `q`, which selects from
    /// `audit_log` (joined to `audit_search` when the filter has words).
    pub fn push_where(&self, q: &mut QueryBuilder<'_, Sqlite>) {
        let f = &self.filter;
        q.push(" WHERE 1");
        if self.scope == Scope::DesignsAndEngines {
            q.push(" AND ").push(FOR_EVERYONE);
            // Actions only admins read: nothing to look for.
            let hidden = f.group.is_some_and(|g| !g.for_everyone())
                || f.action
                    .as_deref()
                    .and_then(ActionGroup::of)
                    .is_some_and(|g| !g.for_everyone());
            if hidden {
                q.push(" AND 0");
            }
        }
        if let Some((lo, hi)) = self.ids {
            q.push(format!(" AND {} >= ", self.id_column()))
                .push_bind(lo);
            q.push(format!(" AND {} <= ", self.id_column()))
                .push_bind(hi);
        }
        if let Some(from) = &self.from {
            q.push(" AND at >= ").push_bind(from.clone());
        }
        if let Some(until) = &self.until {
            q.push(" AND at < ").push_bind(until.clone());
        }
        if let Some(user) = &f.user {
            q.push(" AND actor_name = ").push_bind(user.clone());
        }
        if let Some(group) = f.group {
            q.push(" AND action IN (");
            let mut list = q.separated(", ");
            for a in group.actions() {
                list.push_bind(*a);
            }
            q.push(")");
        }
        if let Some(action) = &f.action {
            q.push(" AND action = ").push_bind(action.clone());
        }
        if let Some(design) = f.design {
            q.push(" AND design_id = ").push_bind(design);
        }
        if let Some(engine) = &f.engine {
            // Every entry about an engine names it in `target` (as it was named then).
            q.push(" AND target = ").push_bind(engine.clone());
        }
        match f.outcome {
            Some(Outcome::Failed) => {
                q.push(" AND failed = 1");
            }
            Some(Outcome::Override) => {
                q.push(" AND overridden = 1");
            }
            Some(Outcome::Ok) => {
                q.push(" AND failed = 0 AND overridden = 0");
            }
            None => {}
        }
        if let Some(words) = &self.words {
            q.push(" AND audit_search MATCH ").push_bind(words.clone());
        }
        if let Some(before) = f.before {
            q.push(format!(" AND {} < ", self.id_column()))
                .push_bind(before);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_days_minutes_and_seconds() {
        assert_eq!(
            instant("2026-12-04", false).unwrap(),
            "2026-12-04T00:00:00Z"
        );
        assert_eq!(instant("2026-12-04", true).unwrap(), "2026-12-05T00:00:00Z");
        assert_eq!(
            instant("2026-12-31T23:59", true).unwrap(),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            instant("2026-12-04T14:02:09Z", true).unwrap(),
            "2026-12-04T14:02:10Z"
        );
        let e = instant("yesterday", false).unwrap_err();
        assert!(e.contains("2026-12-04T14:02"), "{e}");
        // The last day there is has no day after it: refused, not a panic.
        for last in ["9999-12-31", "9999-12-31T23:59", "9999-12-31T23:59:59"] {
            assert!(instant(last, true).unwrap_err().contains("out of range"));
        }
    }

    #[test]
    fn searches_are_words_never_syntax() {
        assert_eq!(
            match_expression("svc-a  \"NEAR(x\" OR").unwrap(),
            "\"svc-a\"* \"NEAR(x\"* \"OR\"*"
        );
        assert!(match_expression(" -- ** ").is_err());
        assert!(match_expression(&"w ".repeat(17)).is_err());
    }
}
