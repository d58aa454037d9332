//! Pages of a list: how many rows a caller may ask for, the opaque keyset cursor that says
//! where the next page starts (stable while rows are added), and the bounded total.

use crate::model::{PageAsk, Total};
use crate::store::sql::Prefix;
use crate::Error;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Rows a page holds unless the caller asks otherwise, and at most.
pub const DEFAULT_SIZE: u32 = 50;
pub const MAX_SIZE: u32 = 200;

/// Totals are counted up to this many: an exact count of a million tokens would cost more
/// than the page itself, and "10,000+" tells an admin as much.
pub const COUNT_CAP: i64 = 10_000;

/// A filtered list's total is counted up to this many: a search that picks more than a
/// thousand rows is one to narrow, and counting ten thousand matches through a filter took
/// PostgreSQL longer than the page (5 of a search's 14 ms at 50,000 members).
pub const FILTERED_COUNT_CAP: i64 = 1_000;

/// How far a list's total is counted: less far when a filter narrows it.
pub fn count_cap(filtered: bool) -> i64 {
    if filtered {
        FILTERED_COUNT_CAP
    } else {
        COUNT_CAP
    }
}

/// Separates a cursor's key parts; it cannot occur in a slug, an id or a timestamp, and a
/// name holding it merely yields a cursor that decodes to a different (still safe) key.
const SEPARATOR: char = '\u{1f}';

/// The page size the caller asked for, checked.
pub fn size(asked: Option<u32>) -> Result<u32, Error> {
    let size = asked.unwrap_or(DEFAULT_SIZE);
    if (1..=MAX_SIZE).contains(&size) {
        Ok(size)
    } else {
        Err(Error::invalid("limit", format!("must be 1 to {MAX_SIZE}")))
    }
}

/// The cursor that continues after a row with this sort key.
pub fn cursor(key: &[&str]) -> String {
    URL_SAFE_NO_PAD.encode(key.join(&SEPARATOR.to_string()))
}

/// The sort key a cursor continues after, with exactly `N` parts.
pub fn after<const N: usize>(cursor: Option<&str>) -> Result<Option<[String; N]>, Error> {
    let Some(text) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let bad = || Error::invalid("cursor", "is not a cursor this API gave out");
    let raw =
        String::from_utf8(URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?).map_err(|_| bad())?;
    let parts: Vec<String> = raw.split(SEPARATOR).map(str::to_string).collect();
    parts.try_into().map(Some).map_err(|_| bad())
}

/// A key part that is a number (a creation time), or the cursor is not one of ours.
pub fn number(part: &str) -> Result<i64, Error> {
    part.parse()
        .map_err(|_| Error::invalid("cursor", "is not a cursor this API gave out"))
}

/// What starts with `text` in any letter case (compared with a lowercased column), or None
/// for no text.
pub fn prefix(text: &str) -> Option<Prefix> {
    let text = text.trim();
    (!text.is_empty()).then(|| Prefix::new(&text.to_lowercase()))
}

/// Keeps the page's rows of the `size + 1` read, with the cursor after its last row when the
/// extra row shows that more follow.
pub fn cut<T>(mut rows: Vec<T>, size: u32, key: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    let more = rows.len() > size as usize;
    rows.truncate(size as usize);
    let next = more.then(|| rows.last().map(key)).flatten();
    (rows, next)
}

/// A total as counted (up to `cap` + 1): exact up to the cap, else the cap and
/// `total_exact: false`.
pub fn total(counted: i64, cap: i64) -> Total {
    Total {
        total: counted.min(cap),
        total_exact: counted <= cap,
    }
}

/// Every row of a list whose length is bounded per org (roles, applications), read a page
/// of the most rows at a time: `read` answers a page's rows and its next cursor.
pub async fn every<T, Fut>(mut read: impl FnMut(PageAsk) -> Fut) -> Result<Vec<T>, Error>
where
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), Error>>,
{
    let mut all = Vec::new();
    let mut asked = PageAsk::first(MAX_SIZE);
    loop {
        let (rows, next) = read(asked.clone()).await?;
        all.extend(rows);
        match next {
            Some(cursor) => asked.cursor = Some(cursor),
            None => return Ok(all),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let c = cursor(&["1700000000000", "0192-abc"]);
        assert_eq!(
            after::<2>(Some(&c)).unwrap(),
            Some(["1700000000000".to_string(), "0192-abc".to_string()])
        );
        assert!(after::<1>(Some(&c)).is_err(), "a cursor of another list");
        assert!(after::<1>(Some("%%%")).is_err());
        assert_eq!(after::<1>(None).unwrap(), None);
        assert!(number("x").is_err());
    }

    #[test]
    fn sizes_are_bounded() {
        assert_eq!(size(None).unwrap(), DEFAULT_SIZE);
        assert!(size(Some(0)).is_err());
        assert!(size(Some(MAX_SIZE + 1)).is_err());
    }

    #[test]
    fn a_page_says_whether_more_follow() {
        let (rows, next) = cut(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!((rows, next), (vec![1, 2], Some("2".to_string())));
        let (rows, next) = cut(vec![1, 2], 2, |n| n.to_string());
        assert_eq!((rows, next), (vec![1, 2], None));
        assert_eq!(total(COUNT_CAP + 1, COUNT_CAP).words(), "10,000+");
        assert_eq!(total(1204, COUNT_CAP).words(), "1,204");
        let cap = count_cap(true);
        assert_eq!(total(cap + 1, cap).words(), "1,000+");
        assert!(!total(cap + 1, cap).total_exact);
        assert_eq!(total(cap, cap).words(), "1,000");
        assert_eq!(count_cap(false), COUNT_CAP);
    }
}
