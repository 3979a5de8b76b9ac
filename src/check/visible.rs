//! Codes, ids and file names as messages show them: a character no editor shows would
//! make `rate\u{200b}_limited` read as the valid `rate_limited`, and a message saying
//! "`not_found` does not match `not_found`" would make no sense.

/// Characters an editor shows as nothing, or as plain space: whitespace, controls,
/// zero-width and joiner characters, bidirectional controls, the byte-order mark, and
/// the fillers and selectors that render as blank (the Arabic letter mark, the Hangul
/// fillers, the Mongolian vowel separator, variation selectors and tag characters).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// The bidirectional embedding, override and isolate controls (U+202A–U+202E,
/// U+2066–U+2069): invisible, and they reorder how the text after them is shown (W012).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` shows nothing at all: a zero-width space alone is as empty a title or
/// guidance as no text, and the page would show it as such.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// How a blank `text` is empty, for a message about a field: `is empty`, or, when it
/// holds characters that show as nothing, which ones.
pub fn how_blank(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        "is empty".to_owned()
    } else {
        format!(
            "holds only characters that show as nothing (`{}`)",
            visible(text)
        )
    }
}

/// A character a message names, so that the writer can find it: a space, a tab or a
/// line break by name, one no editor shows by its code point, one outside ASCII (which
/// codes and header names refuse) with a word saying so.
pub fn char_name(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c if super::config::LINE_BREAKS.contains(&c) => super::config::line_break_name(c),
        c if is_invisible(c) => format!("U+{:04X}, an invisible character", u32::from(c)),
        // With its code point: `а` (Cyrillic) looks like `a`.
        c if !c.is_ascii() => format!("`{c}` (U+{:04X}), which is not ASCII", u32::from(c)),
        c => format!("`{c}`"),
    }
}

/// `text` (a code, an id, a file name) as a message shows it: invisible characters
/// written as `\u{…}` escapes, so `rate\u{200b}_limited` does not read as the valid
/// `rate_limited`. A plain space is left as it is: it is seen between backticks.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_invisible(c) && c != ' ' {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_named_so_they_can_be_found() {
        assert_eq!(char_name(' '), "a space");
        assert_eq!(char_name(':'), "`:`");
        assert_eq!(char_name('\n'), "a line feed (U+000A)");
        assert_eq!(char_name('\u{2028}'), "a line separator (U+2028)");
        assert_eq!(char_name('\u{200B}'), "U+200B, an invisible character");
        assert_eq!(char_name('\u{1b}'), "U+001B, an invisible character");
        assert_eq!(char_name('é'), "`é` (U+00E9), which is not ASCII");
        assert_eq!(char_name('а'), "`а` (U+0430), which is not ASCII");
    }

    #[test]
    fn invisible_characters_are_escaped() {
        assert_eq!(visible("rate\u{200B}_limited"), "rate\\u{200b}_limited");
        assert_eq!(visible("a b"), "a b");
        for c in [
            '\u{061C}',
            '\u{115F}',
            '\u{1160}',
            '\u{3164}',
            '\u{180E}',
            '\u{FE00}',
            '\u{FE0F}',
            '\u{E0000}',
            '\u{E0041}',
            '\u{E007F}',
        ] {
            assert!(is_invisible(c), "U+{:04X}", u32::from(c));
            assert_eq!(
                visible(&format!("a{c}")),
                format!("a\\u{{{:x}}}", u32::from(c))
            );
        }
        for c in ['a', '_', 'é', '\u{FE10}', '\u{E0080}', '\u{3165}'] {
            assert!(!is_invisible(c), "U+{:04X}", u32::from(c));
        }
    }
}
