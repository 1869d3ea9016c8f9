//! Numbers for people: "1 replication", "2 replications", "14,601", "0.123".

/// `n` followed by the word for one or for many, as English counts it.
pub fn count(n: impl Into<f64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1.0 { one } else { many })
}

/// [`count`] for words made plural with an `s`.
pub fn plural(n: impl Into<f64>, word: &str) -> String {
    count(n, word, &format!("{word}s"))
}

/// Decimals that suit a number of this size on the console.
pub fn decimals_for(x: f64) -> usize {
    match x.abs() {
        // An exact zero (nothing happened) reads as 0, not 0.000.
        0.0 => 0,
        a if a >= 1000.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    }
}

/// Formats a number for the console: thousands separators, sensible decimals.
pub fn human(x: f64) -> String {
    human_with(x, decimals_for(x))
}

/// Like [`human`] with a fixed number of decimals. Numbers of 10^15 and more are
/// written in scientific form (`1.0e300`), never as hundreds of digits; −0 is 0.
pub fn human_with(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    if x.abs() >= 1e15 {
        return format!("{x:.1e}");
    }
    // Adding 0 turns −0 into 0.
    let s = format!("{:.decimals$}", x + 0.0);
    let s = if s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    };
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// The known name a misspelt `name` most likely means: within two edits, and fewer
/// than a third of its letters (so `B` does not "mean" `A`).
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let letters = name.chars().count();
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(k, name), k))
        .filter(|(d, _)| *d <= 2 && 3 * d <= letters)
        .min()
        .map(|(_, k)| k)
}

/// `text` broken into lines of at most `width` characters at spaces (a longer word
/// stands on a line of its own).
pub fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let wide = line.chars().count() + 1 + word.chars().count() > width;
        if !line.is_empty() && wide {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_minus_zero_and_no_hundreds_of_digits() {
        assert_eq!(human(-0.0), "0");
        assert_eq!(human_with(-0.0004, 2), "0.00");
        assert_eq!(human(1e300), "1.0e300");
        assert_eq!(human(-1234.0), "-1,234");
    }

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

    #[test]
    fn a_misspelt_name_finds_the_one_meant() {
        let known = ["police", "mobile_crisis", "psychosis"];
        assert_eq!(closest("polise", known), Some("police"));
        assert_eq!(closest("psychossis", known), Some("psychosis"));
        assert_eq!(closest("vans", known), None);
        assert_eq!(closest("B", ["A"]), None);
    }

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        let text = "one two three four five six seven";
        let wrapped = wrap(text, 10);
        assert_eq!(wrapped, "one two\nthree four\nfive six\nseven");
        assert!(wrapped.lines().all(|l| l.chars().count() <= 10));
        assert_eq!(wrap("a-very-long-word x", 5), "a-very-long-word\nx");
    }
}
