use super::*;

fn kinds(text: &str) -> Vec<PiiKind> {
    scan_text(text, &[]).into_iter().map(|m| m.kind).collect()
}

fn found(text: &str) -> Vec<(PiiKind, String)> {
    scan_text(text, &[])
        .into_iter()
        .map(|m| (m.kind, m.text))
        .collect()
}

fn email(s: &str) -> Vec<(PiiKind, String)> {
    vec![(PiiKind::Email, s.to_string())]
}

#[test]
fn finds_each_kind() {
    assert_eq!(kinds("連絡先: amir.k@example.org"), [PiiKind::Email]);
    assert_eq!(kinds("電話 090-1234-5678"), [PiiKind::Phone]);
    assert_eq!(kinds("TEL 03-1234-5678"), [PiiKind::Phone]);
    assert_eq!(kinds("call (03) 1234-5678"), [PiiKind::Phone]);
    assert_eq!(kinds("mobile 09012345678"), [PiiKind::Phone]);
    assert_eq!(kinds("WhatsApp +81 90-1234-5678"), [PiiKind::Phone]);
    assert_eq!(kinds("+1 (555) 123-4567"), [PiiKind::Phone]);
    assert_eq!(
        kinds("０９０−１２３４−５６７８"),
        [PiiKind::Phone],
        "full-width digits"
    );
    assert_eq!(kinds("〒160-0023 東京都"), [PiiKind::Postcode]);
    assert_eq!(kinds("card AB12345678CD"), [PiiKind::ResidenceCard]);
    assert_eq!(
        kinds("https://www.facebook.com/amir.k"),
        [PiiKind::SocialProfile]
    );
    assert_eq!(kinds("see instagram.com/someone"), [PiiKind::SocialProfile]);
    assert_eq!(
        kinds("https://linkedin.com/in/someone"),
        [PiiKind::SocialProfile]
    );
}

#[test]
fn finds_addresses_a_reader_sees_however_they_are_typed() {
    for (line, want) in [
        ("amir&#64;example&#46;com", "amir@example.com"),
        ("amir&commat;example.com", "amir@example.com"),
        ("<amir&#x40;example.com>", "amir@example.com"),
        ("[連絡](mailto:amir%40example.com)", "amir@example.com"),
        (r"amir\@example\.com", "amir@example.com"),
        ("amir＠example.com", "amir@example.com"),
        ("**amir**@example.com", "amir@example.com"),
        ("amir<span>@</span>example.com", "amir@example.com"),
        ("am\u{200B}ir@example.com", "amir@example.com"),
        ("amir [at] example.com", "amir@example.com"),
        ("amir (at) example (dot) com", "amir@example.com"),
        ("amir{at}example[dot]com", "amir@example.com"),
        ("amir ＠ example．com", "amir@example.com"),
        ("amir アット example ドット com", "amir@example.com"),
        ("amir AT example DOT com", "amir@example.com"),
        ("amir at example dot com", "amir@example.com"),
        ("amir.k at example.com", "amir.k@example.com"),
        ("amir at gmail.com", "amir@gmail.com"),
        ("amir @ example.co.jp", "amir@example.co.jp"),
    ] {
        assert_eq!(found(line), email(want), "{line}");
    }
}

#[test]
fn finds_phone_numbers_with_any_separators_and_digits() {
    for (line, want) in [
        ("(090)1234-5678", "(090)1234-5678"),
        ("090.1234.5678", "090.1234.5678"),
        ("090 1234 5678", "090 1234 5678"),
        ("03(1234)5678", "03(1234)5678"),
        ("(090 1234 5678", "(090 1234 5678"),
        ("0 9 0 1 2 3 4 5 6 7 8", "0 9 0 1 2 3 4 5 6 7 8"),
        ("0 9 0 - 1 2 3 4 - 5 6 7 8", "0 9 0 - 1 2 3 4 - 5 6 7 8"),
        ("〇九〇ー一二三四ー五六七八", "090-1234-5678"),
        ("〇九〇一二三四五六七八", "09012345678"),
        ("０９０（１２３４）５６７８", "090(1234)5678"),
        ("0120-123-456", "0120-123-456"),
        ("電話: 090&#45;1234&#45;5678", "090-1234-5678"),
        ("090-1234-5678 まで (2025年)", "090-1234-5678"),
        ("090 1234 5678 2026", "090 1234 5678"),
    ] {
        assert_eq!(
            found(line),
            vec![(PiiKind::Phone, want.to_string())],
            "{line}"
        );
    }
}

#[test]
fn does_not_cry_wolf() {
    for fine in [
        "2019-2021 に勤務",
        "2026-03-08",
        "version 1.2.3",
        "Python 3.12.1",
        "JLPT N2, CEFR B2",
        "ISBN 978-4-10-109205-8",
        "ISBN 4-08-123456-7",
        "約30名が参加、120分",
        "record C-2026-0001",
        "t-2026-001",
        "1994年生まれ",
        "二〇二五年七月から二〇二六年三月まで",
        "https://example.org/programmes/12",
        "https://www.facebook.com/",
        "10:00-12:00",
        "09:30〜12:00",
        "定員 25 名",
        "第1回 2025-07-14",
        "第01回 (2025.07.14)",
        "¥1,200 / 月 0.5 人月",
        "01.2019 - 03.2021 経理",
        "0.25 0.5 0.75 1.0",
        "order 0312345678",
        "TOEIC 850, 2024-03-01",
        // `at` in prose is not an address
        "I worked at Rakuten.com for three years",
        "designer at note.com",
        "available at tsunagi.example from April",
        "Meet us at 10.30 at the station",
        "AT&T 100% &amp; more",
        "一人一人、三年間",
    ] {
        assert!(kinds(fine).is_empty(), "{fine}: {:?}", scan_text(fine, &[]));
    }
}

#[test]
fn a_number_broken_over_two_lines_is_found_where_it_starts() {
    let text = "連絡先は 090-1234-\n5678 です。\n";
    let m = scan_text(text, &[]);
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!((m[0].line, m[0].column, m[0].end_column), (1, 6, 15));
    assert_eq!(m[0].text, "090-1234- 5678");
    // a paragraph break is not a line a reader reads on
    assert!(scan_text("連絡先は 090-1234-\n\n5678 です。\n", &[]).is_empty());
}

#[test]
fn allow_list_and_positions() {
    let text = "line one\n問い合わせ: info@tsunagi.example / x@evil.example\n";
    let m = scan_text(text, &["info@tsunagi.example".to_string()]);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].text, "x@evil.example");
    assert_eq!((m[0].line, m[0].column), (2, 31));
    // the allow list applies to an address however it is written
    let obfuscated = "問い合わせ: INFO [at] tsunagi.example\n";
    assert!(scan_text(obfuscated, &["info@tsunagi.example".to_string()]).is_empty());
}

#[test]
fn positions_are_in_the_raw_line_and_cover_the_whole_match() {
    let m = scan_text("メール: amir&#64;example&#46;com です", &[]);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].column, m[0].end_column), (6, 30));
    assert_eq!(m[0].masked, "a***@e******.com");
}

#[test]
fn counts_what_each_rule_read() {
    let mut r = GuardReport::default();
    let text = "plain prose\nTEL 090-1234-5678\n〒160-0023\nmail a@example.com\n";
    let m = scan_text_counted(text, &[], &mut r);
    assert_eq!(m.len(), 3, "{m:?}");
    assert_eq!((r.files, r.lines), (1, 4));
    assert_eq!(
        r.checked,
        [1, 1, 1, 1, 0],
        "email, phone, postcode, card, social"
    );
    assert_eq!(r.found, [1, 1, 1, 0, 0]);
}
