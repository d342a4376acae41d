//! The rule for user and design names: Docker's `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, at most 63
//! characters, so a design name can become a Compose project name unchanged.

/// The longest name accepted.
pub const MAX_LEN: usize = 63;

/// Checks a name, saying what is wrong and what is allowed.
pub fn check(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.chars().count() > MAX_LEN {
        return Err(format!(
            "is {} characters long; use at most {MAX_LEN}",
            value.chars().count()
        ));
    }
    let mut chars = value.chars();
    let first = chars.next().unwrap_or(' ');
    if !first.is_ascii_alphanumeric() {
        return Err(format!(
            "starts with {first:?}; start with a letter or digit (allowed: letters, digits, `_`, `.`, `-`)"
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "contains {bad:?}; use only letters, digits, `_`, `.` and `-`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    /// Names follow Docker's rule; each refusal says what is allowed.
    #[test]
    fn rule() {
        for ok in ["a", "prod-host", "A_1.b", &"x".repeat(63)] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for (bad, says) in [
            ("", "empty"),
            ("-x", "start with"),
            ("a b", "contains ' '"),
            ("a;rm", "contains ';'"),
            ("é", "start with"),
            (&"x".repeat(64), "at most 63"),
        ] {
            let e = check(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
