//! SQL built from optional conditions: `$n` placeholders numbered as conditions are added
//! (both dialects read `$n` through sqlx's Any driver), and the values bound in that order.

use crate::authz::Reach;

#[derive(Clone, Copy)]
pub(crate) enum Bind<'a> {
    Text(&'a str),
    Int(i64),
}

/// SQL with `$n` placeholders numbered as conditions are added.
pub(crate) struct Sql<'a> {
    pub text: String,
    pub binds: Vec<Bind<'a>>,
}

impl<'a> Sql<'a> {
    /// `text` (a SELECT, or nothing before a count's conditions) whose `$1` is the org.
    pub fn of_org(text: impl Into<String>, org_id: &'a str) -> Self {
        Sql {
            text: text.into(),
            binds: vec![Bind::Text(org_id)],
        }
    }

    pub fn param(&mut self, b: Bind<'a>) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    pub fn equals(&mut self, column: &str, value: Option<&'a str>) {
        if let Some(v) = value {
            let p = self.param(Bind::Text(v));
            self.text.push_str(&format!(" AND {column} = {p}"));
        }
    }

    /// The query with every parameter bound, planned for these values each time it runs: a
    /// list's filters pick anything from one row to most of the org, and the generic plan
    /// PostgreSQL falls back to after five runs of a kept statement suits neither end (a
    /// broad prefix counted 3× slower with it).
    pub fn run<T>(&self) -> sqlx::query::QueryAs<'_, sqlx::Any, T, sqlx::any::AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as::<_, T>(&self.text).persistent(false);
        for b in &self.binds {
            query = match b {
                Bind::Text(t) => query.bind(*t),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query
    }

    /// Keyset paging: rows after `key` in the order of `columns` (both ascending, or both
    /// descending when `newest_first`), as one row-value comparison both databases index.
    /// No key: the first page.
    pub fn after(&mut self, columns: &str, key: Option<Vec<Bind<'a>>>, newest_first: bool) {
        let Some(key) = key else { return };
        let params: Vec<String> = key.into_iter().map(|b| self.param(b)).collect();
        let op = if newest_first { "<" } else { ">" };
        self.text
            .push_str(&format!(" AND ({columns}) {op} ({})", params.join(", ")));
    }

    /// The page's order and its `limit` (the caller reads one row more than it shows).
    pub fn order_limit(&mut self, order: &str, limit: u32) {
        let p = self.param(Bind::Int(i64::from(limit) + 1));
        self.text.push_str(&format!(" ORDER BY {order} LIMIT {p}"));
    }

    /// Only rows the reader reaches: those whose `column` (a team id) is one of their teams,
    /// or that `also` picks (another way to see a row, such as owning it); everything with an
    /// org-wide grant, nothing when no way is left.
    pub fn reach(&mut self, column: &str, reach: &'a Reach, also: Option<String>) {
        let Reach::Teams(teams) = reach else { return };
        let mut ways: Vec<String> = also.into_iter().collect();
        if !teams.is_empty() {
            let params: Vec<String> = teams.iter().map(|t| self.param(Bind::Text(t))).collect();
            ways.push(format!("{column} IN ({})", params.join(", ")));
        }
        if ways.is_empty() {
            self.text.push_str(" AND 1 = 0");
        } else {
            self.text.push_str(&format!(" AND ({})", ways.join(" OR ")));
        }
    }

    pub fn within(&mut self, column: &str, values: &'a [impl AsRef<str>]) {
        let params: Vec<String> = values
            .iter()
            .map(|v| self.param(Bind::Text(v.as_ref())))
            .collect();
        self.text
            .push_str(&format!(" AND {column} IN ({})", params.join(", ")));
    }
}

/// Which database a query runs on, where their SQL must differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn of(conn: &sqlx::AnyConnection) -> Self {
        if conn.backend_name() == "PostgreSQL" {
            Dialect::Postgres
        } else {
            Dialect::Sqlite
        }
    }
}

/// A search prefix (lowercase) in the forms the databases answer from an index on a
/// lowercased column: the `LIKE` pattern, and the range of text starting with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    pub pattern: String,
    low: String,
    /// The first text after every text starting with the prefix; None past the last char.
    high: Option<String>,
}

impl Prefix {
    pub fn new(lowercase: &str) -> Self {
        let mut high: Vec<char> = lowercase.chars().collect();
        let high = loop {
            let Some(last) = high.pop() else { break None };
            // The next scalar value (surrogates are not chars; past the last one, carry).
            if let Some(next) =
                (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32)
            {
                high.push(next);
                break Some(high.into_iter().collect());
            }
        };
        Prefix {
            pattern: format!("{}%", like_escaped(lowercase)),
            low: lowercase.to_string(),
            high,
        }
    }
}

impl<'a> Sql<'a> {
    /// A condition (to AND or OR) that `LOWER(column)` starts with the prefix, in the form
    /// each database answers from its index on `LOWER(column)`: a range on SQLite (whose
    /// `LIKE` uses no index on an expression), `LIKE` over a `text_pattern_ops` index on
    /// PostgreSQL (whose ranges follow the locale's collation, not the bytes).
    pub fn lower_starts_with(
        &mut self,
        dialect: Dialect,
        column: &str,
        prefix: &'a Prefix,
    ) -> String {
        self.starts_with(dialect, &format!("LOWER({column})"), prefix)
    }

    /// A condition that `expression` (lowercase text) starts with the prefix, as a range on
    /// SQLite and `LIKE` on PostgreSQL (see [`Sql::lower_starts_with`]).
    pub fn starts_with(
        &mut self,
        dialect: Dialect,
        expression: &str,
        prefix: &'a Prefix,
    ) -> String {
        match dialect {
            Dialect::Postgres => {
                let p = self.param(Bind::Text(&prefix.pattern));
                format!("{expression} LIKE {p} ESCAPE '\\'")
            }
            Dialect::Sqlite => {
                let low = self.param(Bind::Text(&prefix.low));
                match &prefix.high {
                    Some(high) => {
                        let high = self.param(Bind::Text(high));
                        format!("({expression} >= {low} AND {expression} < {high})")
                    }
                    None => format!("{expression} >= {low}"),
                }
            }
        }
    }
}

/// `LIKE` escaping: the caller's `%`, `_` and `\` match only themselves.
pub(crate) fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// How many rows a `FROM … WHERE …` picks, counted up to `cap + 1` so a huge list costs no
/// more than a bounded scan.
pub(crate) async fn count_capped(
    conn: &mut sqlx::AnyConnection,
    mut sql: Sql<'_>,
    cap: i64,
) -> sqlx::Result<i64> {
    let p = sql.param(Bind::Int(cap + 1));
    sql.text = format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one {} LIMIT {p}) picked",
        sql.text
    );
    let (n,): (i64,) = sql.run().fetch_one(conn).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::Prefix;

    #[test]
    fn a_prefix_bounds_what_starts_with_it() {
        let p = Prefix::new("ab%");
        assert_eq!(p.pattern, "ab\\%%");
        assert_eq!(p.low, "ab%");
        assert_eq!(p.high.as_deref(), Some("ab&"));
        assert_eq!(Prefix::new("a\u{10FFFF}").high.as_deref(), Some("b"));
        assert_eq!(Prefix::new("\u{10FFFF}").high, None);
        assert_eq!(Prefix::new("\u{D7FF}").high.as_deref(), Some("\u{E000}"));
    }
}
