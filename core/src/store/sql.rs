//! SQL built from optional conditions: `$n` placeholders numbered as conditions are added
//! (both dialects read `$n` through sqlx's Any driver), and the values bound in that order.

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

    /// The query with every parameter bound.
    pub fn run<T>(&self) -> sqlx::query::QueryAs<'_, sqlx::Any, T, sqlx::any::AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as::<_, T>(&self.text);
        for b in &self.binds {
            query = match b {
                Bind::Text(t) => query.bind(*t),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query
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
