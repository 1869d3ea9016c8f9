//! Words for numbers in messages: "1 replication", "2 replications".

/// `n` followed by the word for one or for many, as English counts it.
pub fn count(n: impl Into<f64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1.0 { one } else { many })
}

/// [`count`] for words made plural with an `s`.
pub fn plural(n: impl Into<f64>, word: &str) -> String {
    count(n, word, &format!("{word}s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_many() {
        assert_eq!(plural(1, "day"), "1 day");
        assert_eq!(plural(0, "day"), "0 days");
        assert_eq!(plural(1.5, "day"), "1.5 days");
        assert_eq!(plural(365.0, "day"), "365 days");
        assert_eq!(
            count(2, "replication finished", "replications finished"),
            "2 replications finished"
        );
    }
}
