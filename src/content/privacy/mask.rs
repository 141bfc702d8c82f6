//! Masking: a message about personal data must not publish it again (in a
//! CI log, a screenshot, a chat message asking for help). Messages show
//! enough for the writer to recognise the value (`a***@e******.com`,
//! `090-****-5678`) and the source line under a message is masked too.

use super::PiiKind;

/// The first character of `s` and a `*` for each other one.
fn initial(s: &str) -> String {
    let mut cs = s.chars();
    cs.next()
        .map(|c| std::iter::once(c).chain(cs.map(|_| '*')).collect())
        .unwrap_or_default()
}

/// `text` (a finding of `kind`, as a reader sees it) with most of it masked.
pub fn masked(kind: PiiKind, text: &str) -> String {
    match kind {
        PiiKind::Email => {
            let Some((local, domain)) = text.rsplit_once('@') else {
                return initial(text);
            };
            let labels: Vec<&str> = domain.split('.').collect();
            let n = labels.len();
            let domain: Vec<String> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if i + 1 == n {
                        l.to_string()
                    } else {
                        initial(l)
                    }
                })
                .collect();
            format!("{}@{}", initial(local), domain.join("."))
        }
        PiiKind::Phone => {
            // the last four digits and up to three first ones, at least
            // four masked: 090-****-5678, 03-****-5678
            let n = text.chars().filter(char::is_ascii_digit).count();
            let head = n.saturating_sub(8).min(3);
            let mut seen = 0;
            text.chars()
                .map(|c| {
                    if !c.is_ascii_digit() {
                        return c;
                    }
                    seen += 1;
                    if seen <= head || seen > n.saturating_sub(4) {
                        c
                    } else {
                        '*'
                    }
                })
                .collect()
        }
        PiiKind::Postcode => {
            let mut first = true;
            text.chars()
                .map(|c| match c {
                    c if c.is_ascii_digit() && first => {
                        first = false;
                        c
                    }
                    c if c.is_ascii_digit() => '*',
                    c => c,
                })
                .collect()
        }
        PiiKind::ResidenceCard => {
            let n = text.chars().count();
            text.chars()
                .enumerate()
                .map(|(i, c)| if i < 2 || i + 2 >= n { c } else { '*' })
                .collect()
        }
        PiiKind::SocialProfile => match text.rsplit_once('/') {
            Some((site, handle)) => format!("{site}/{}", initial(handle)),
            None => initial(text),
        },
    }
}

/// A mask for `c` as wide as it on a terminal, so the caret under a masked
/// line still lands on its column.
fn star(c: char) -> char {
    if c.is_ascii() { '*' } else { '＊' }
}

/// `line` with the letters and digits of each range (0-based characters,
/// end exclusive) masked, but the first: `amir@example.com` becomes
/// `a***@*******.***`. Punctuation stays, so the shape (and the column of
/// everything) is kept.
pub fn mask_line(line: &str, ranges: &[(usize, usize)]) -> String {
    line.chars()
        .enumerate()
        .map(|(i, c)| {
            let inside = ranges.iter().any(|&(s, e)| s < i && i < e);
            // a dash stays a dash (ー is a letter to Unicode)
            if inside && c.is_alphanumeric() && super::reader::reader_char(c) != '-' {
                star(c)
            } else {
                c
            }
        })
        .collect()
}

/// `line` with the value after the key at `column` (1-based) masked: what a
/// forbidden key holds is as private as the key says.
pub fn mask_value(line: &str, column: Option<usize>) -> String {
    let from = column.unwrap_or(1).saturating_sub(1);
    let Some(colon) = line
        .char_indices()
        .enumerate()
        .skip(from)
        .find(|(_, (_, c))| *c == ':')
        .map(|(i, _)| i)
    else {
        return line.to_string();
    };
    let n = line.chars().count();
    mask_line(line, &[(colon + 1, n)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_show_enough_to_recognise_and_no_more() {
        assert_eq!(
            masked(PiiKind::Email, "amir@example.com"),
            "a***@e******.com"
        );
        assert_eq!(
            masked(PiiKind::Email, "a.k@mail.example.co.jp"),
            "a**@m***.e******.c*.jp"
        );
        assert_eq!(masked(PiiKind::Phone, "090-1234-5678"), "090-****-5678");
        assert_eq!(masked(PiiKind::Phone, "03-1234-5678"), "03-****-5678");
        assert_eq!(masked(PiiKind::Phone, "(090)1234-5678"), "(090)****-5678");
        assert_eq!(
            masked(PiiKind::Phone, "+81 90-1234-5678"),
            "+81 9*-****-5678"
        );
        assert_eq!(
            masked(PiiKind::Phone, "0 9 0 1 2 3 4 5 6 7 8"),
            "0 9 0 * * * * 5 6 7 8"
        );
        assert_eq!(masked(PiiKind::Postcode, "〒160-0023"), "〒1**-****");
        assert_eq!(
            masked(PiiKind::ResidenceCard, "AB12345678CD"),
            "AB********CD"
        );
        assert_eq!(
            masked(PiiKind::SocialProfile, "https://www.facebook.com/amir.k"),
            "https://www.facebook.com/a*****"
        );
    }

    #[test]
    fn source_lines_keep_their_shape() {
        let line = "連絡先: amir&#64;example.com まで";
        let start = line
            .find('a')
            .map(|b| line[..b].chars().count())
            .unwrap_or(0);
        let end = start + "amir&#64;example.com".chars().count();
        assert_eq!(
            mask_line(line, &[(start, end)]),
            "連絡先: a***&#**;*******.*** まで"
        );
        assert_eq!(mask_line("電話 〇九〇", &[(3, 6)]), "電話 〇＊＊");
        assert_eq!(mask_line("〇九〇ー一二", &[(0, 6)]), "〇＊＊ー＊＊");
        assert_eq!(
            mask_value("  legal_name: Hana Example", Some(3)),
            "  legal_name: **** *******"
        );
        assert_eq!(
            mask_value("  氏名: 山田 花子", Some(3)),
            "  氏名: ＊＊ ＊＊"
        );
        assert_eq!(
            mask_value("  c: {氏名: 山田}", Some(7)),
            "  c: {氏名: ＊＊}"
        );
    }
}
