//! What an error code is: the code rule (E010), and how an API's own spelling of a
//! code maps to an errdex code.
//!
//! errdex codes are lower case because they are URL slugs, while APIs send
//! `INVALID_ARGUMENT` (Google), `AccessDenied` (AWS) or `auth/invalid-email` (Firebase).
//! Those are documented as `invalid_argument`, `access_denied` and `auth.invalid-email`:
//! a body may carry the API's spelling (E022), and `explain`, `lookup`, `new` and the
//! site's search take it.

/// The longest code E010 accepts, in characters (all of them ASCII).
pub const MAX_CODE_LENGTH: usize = 64;

/// Whether `code` matches `[a-z0-9][a-z0-9_.-]{0,63}`.
pub fn is_valid_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_CODE_LENGTH
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes.iter().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        })
        && code != "."
        && !code.contains("..")
}

/// Whether a response body's value at an envelope's `code` pointer is `code`, as the
/// API spells it (see [`spells_code`]): what `check` (E022) and `lookup` both read.
///
/// Numeric codes (Twilio's `20003`) are text in the catalog (`code: 20003` is read as written) but sent
/// as JSON numbers, so a number matches when its decimal text is the code.
pub fn value_spells_code(found: &serde_json::Value, code: &str) -> bool {
    match found {
        // `INVALID_ARGUMENT` in the body is the error `invalid_argument`: see `spells_code`.
        serde_json::Value::String(text) => spells_code(text, code),
        serde_json::Value::Number(number) => number.to_string() == code,
        _ => false,
    }
}

/// Whether `text` is the error code `code` as an API may spell it: the same letters and
/// digits in the same order, in any case, with any ASCII punctuation between them.
/// Punctuation between two digits still separates numbers (`1.2` is not `12`). Text with
/// any other character (a space, a letter outside ASCII) is only itself.
pub fn spells_code(text: &str, code: &str) -> bool {
    /// The letters and digits, lower case, with a `.` for punctuation between two digits;
    /// `None` for a character a code never stands for.
    fn letters_and_digits(text: &str) -> Option<String> {
        let mut kept = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_alphanumeric() {
                kept.push(c.to_ascii_lowercase());
            } else if !c.is_ascii_punctuation() {
                return None;
            } else if kept.ends_with(|k: char| k.is_ascii_digit())
                && chars.peek().is_some_and(char::is_ascii_digit)
            {
                kept.push('.');
            }
        }
        Some(kept)
    }
    text == code
        || letters_and_digits(text)
            .is_some_and(|kept| !kept.is_empty() && Some(kept) == letters_and_digits(code))
}

/// The errdex code of a code as an API spells it: the code itself when it is a valid
/// one, or else lower case, with `_` between the words of CamelCase (`AccessDenied` is
/// `access_denied`, `HTTPError` is `http_error`) and `.` for punctuation a code cannot
/// hold (`auth/invalid-email` is `auth.invalid-email`). `None` when the result is no
/// valid code either, or would not match the API's spelling (see `spells_code`).
pub fn code_for(sent: &str) -> Option<String> {
    if is_valid_code(sent) {
        return Some(sent.to_owned());
    }
    let chars: Vec<char> = sent.chars().collect();
    let mut code = String::with_capacity(sent.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        if c.is_ascii_uppercase() {
            let starts_word = before.is_some_and(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || (b.is_ascii_uppercase() && after.is_some_and(|a| a.is_ascii_lowercase()))
            });
            if starts_word {
                code.push('_');
            }
            code.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            code.push(c);
        } else {
            code.push('.');
        }
    }
    (is_valid_code(&code) && spells_code(sent, &code)).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::{code_for, spells_code};

    #[test]
    fn an_api_code_in_another_case_style_spells_the_error_code() {
        for (sent, code) in [
            ("invalid_argument", "invalid_argument"),
            ("INVALID_ARGUMENT", "invalid_argument"),
            ("AccessDenied", "access_denied"),
            ("AccessDeniedException", "access-denied-exception"),
            ("auth/invalid-email", "auth.invalid-email"),
            ("20003", "20003"),
            ("V1_2", "v1.2"),
        ] {
            assert!(spells_code(sent, code), "{sent} is {code}");
        }
    }

    #[test]
    fn other_letters_digits_or_characters_are_another_code() {
        for (sent, code) in [
            ("invalid_request", "bad_request"),
            ("INVALID_ARGUMENTS", "invalid_argument"),
            ("20003", "2000.3"),
            // Not only punctuation may differ: a space, or a letter outside ASCII.
            ("INVALID ARGUMENT", "invalid_argument"),
            ("ınvalid_argument", "invalid_argument"),
            // Nothing but punctuation spells no code.
            ("--", "-"),
            ("", "a"),
        ] {
            assert!(!spells_code(sent, code), "{sent} is not {code}");
        }
    }

    #[test]
    fn an_api_spelling_gets_the_errdex_code_it_spells() {
        for (sent, code) in [
            ("card_declined", Some("card_declined")),
            ("20003", Some("20003")),
            ("INVALID_ARGUMENT", Some("invalid_argument")),
            ("AccessDenied", Some("access_denied")),
            ("HTTPError", Some("http_error")),
            ("Error404NotFound", Some("error404_not_found")),
            ("auth/invalid-email", Some("auth.invalid-email")),
            ("V1_2", Some("v1_2")),
            // No valid code: a space, a letter outside ASCII, `..`, a leading `_`.
            ("Bad Code", None),
            ("Ünknown", None),
            ("a//b", None),
            ("_Private", None),
        ] {
            assert_eq!(code_for(sent).as_deref(), code, "{sent}");
        }
    }
}
