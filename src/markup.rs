//! Escaping for the files we write for people to open elsewhere (Markdown, HTML, CSV):
//! bot names, file names and fault details come from strangers, and must stay text.

/// Text safe inside a Markdown paragraph, heading or table cell: every ASCII
/// punctuation character that Markdown (or HTML inside it) could read as markup is
/// backslash-escaped — `:` and `@` too, and the dot of `www.`, so no autolink is made
/// of a stranger's text — and line breaks become spaces.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            // GitHub links a bare `www.example.com`; `www\.` reads the same and is text.
            '.' if out
                .get(out.len().saturating_sub(3)..)
                .is_some_and(|w| w.eq_ignore_ascii_case("www")) =>
            {
                out.push_str("\\.")
            }
            c if c.is_ascii_punctuation() && !".,-'\";/=?%$^".contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text safe in HTML element content and in quoted attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a text
/// that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first, after any
/// spaces, tabs or line breaks, which spreadsheets skip; or a tab or CR first) is
/// prefixed with `'` (OWASP's advice). Numbers are written by the caller, unescaped.
pub fn csv(text: &str) -> String {
    let formula = text
        .trim_start_matches([' ', '\t', '\r', '\n'])
        .starts_with(['=', '+', '-', '@']);
    let guarded = if formula || text.starts_with(['\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_hostile_names_as_text() {
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("[x](http://e)"), "\\[x\\]\\(http\\://e\\)");
        assert_eq!(markdown("a@b.c"), "a\\@b.c");
        assert_eq!(markdown("<script>"), "\\<script\\>");
        assert_eq!(markdown("two\nlines"), "two lines");
        assert_eq!(markdown("plain name_2"), "plain name\\_2");
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html("<img src=x onerror='a()'>&\""),
            "&lt;img src=x onerror=&#39;a()&#39;&gt;&amp;&quot;"
        );
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv("plain"), "plain");
        assert_eq!(csv("a,b"), "\"a,b\"");
        assert_eq!(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv("-1+2"), "'-1+2");
        assert_eq!(csv("@SUM(A1)"), "'@SUM(A1)");
        // Spreadsheets skip leading blanks before a formula.
        assert_eq!(csv(" =1+1"), "' =1+1");
        assert_eq!(csv("\t=1"), "'\t=1");
        assert_eq!(csv("\n+1"), "\"'\n+1\"");
        assert_eq!(csv("a =1"), "a =1");
    }

    #[test]
    fn markdown_makes_no_bare_link() {
        assert_eq!(markdown("www.example.com"), "www\\.example.com");
        assert_eq!(markdown("see WWW.x.org"), "see WWW\\.x.org");
        assert_eq!(markdown("http://x.org"), "http\\://x.org");
        assert_eq!(markdown("éwww.x"), "éwww\\.x");
    }
}
