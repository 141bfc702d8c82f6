use super::*;

const SCHEMA: &[&str] = &["id", "display_name", "extra"];

/// The concept `key` matches when written under `extra:`, checking that
/// the finding points at the key's line and column.
fn concept_in_extra(key: &str) -> Option<String> {
    let yaml = format!("id: t-1\nextra:\n  memo: 料理\n  \"{key}\": x\n");
    let mut report = GuardReport::default();
    let found = find_forbidden_keys(&yaml, &[], SCHEMA, &mut report);
    assert_eq!(
        (report.keys, report.extra_keys),
        (4, 2),
        "{key}: every key is counted"
    );
    assert!(found.len() <= 1, "{key}: {found:?}");
    let f = found.into_iter().next()?;
    assert_eq!((f.line, f.column), (Some(4), Some(3)), "{key}");
    Some(f.entry)
}

/// Every spelling of the row matches the row (written as a snake_case key),
/// and so do the realistic keys given for each language.
fn check_row(concept: &str, en: &[&str], ja: &[&str]) {
    let row = FORBIDDEN
        .iter()
        .find(|c| c.concept == concept)
        .unwrap_or_else(|| panic!("no row {concept}"));
    assert!(
        !en.is_empty() && !ja.is_empty(),
        "{concept}: both languages"
    );
    let spellings = row.en.iter().map(|s| s.replace(' ', "_"));
    let spellings = spellings.chain(row.ja.iter().map(|s| s.to_string()));
    for key in spellings.chain(en.iter().chain(ja).map(|s| s.to_string())) {
        assert_eq!(
            concept_in_extra(&key).as_deref(),
            Some(concept),
            "`{key}` should be {concept}"
        );
    }
}

macro_rules! rows {
    ($($test:ident: $concept:literal => en [$($en:literal),* $(,)?] ja [$($ja:literal),* $(,)?];)*) => {
        $(#[test] fn $test() { check_row($concept, &[$($en),*], &[$($ja),*]); })*

        #[test]
        fn every_row_has_a_test() {
            let tested = [$($concept),*];
            for c in FORBIDDEN {
                assert!(tested.contains(&c.concept), "row `{}` has no test", c.concept);
            }
        }
    };
}

rows! {
    row_name: "a legal name" => en ["legal_name", "surname", "fullName", "First-Name", "name_kana", "mother_name", "username", "Names"] ja ["氏名", "本名", "名前", "母の氏名", "氏名（カナ）", "ﾌﾘｶﾞﾅ"];
    row_email: "an e-mail address" => en ["E-Mail", "eMail", "e_mail", "ＥＭＡＩＬ", "emails", "mail_address", "contactEmail"] ja ["メール", "メールアドレス", "Ｅメール", "連絡用メールアドレス"];
    row_phone: "a phone number" => en ["phone", "Tel", "TEL_NO", "mobile_number", "phoneNumbers", "fax"] ja ["電話", "電話番号", "携帯", "携帯電話番号", "TEL番号"];
    row_contact: "contact details" => en ["contact", "emergency_contact", "WhatsApp", "line_id", "LINE ID"] ja ["連絡先", "緊急連絡先"];
    row_birth: "a date or place of birth" => en ["dateOfBirth", "dob", "DOB", "birth_date", "Birthday", "place_of_birth"] ja ["生年月日", "誕生日", "出生地"];
    row_age: "an exact age" => en ["age", "Age", "current_age"] ja ["年齢", "満年齢"];
    row_nationality: "a nationality" => en ["nationality", "nationalities", "citizenship", "home_country"] ja ["国籍", "出身国", "本籍地"];
    row_residence_status: "a residence status" => en ["visa", "visa_type", "residence_status", "Residence-Status", "residenceCard", "status_of_residence", "work_permit"] ja ["在留資格", "在留カード", "在留期限", "在留カード番号", "ビザの種類"];
    row_identity_document: "an identity document" => en ["passport", "passport_no", "my_number", "MyNumber"] ja ["マイナンバー", "パスポート番号", "旅券番号"];
    row_address: "an address" => en ["address", "homeAddress", "postcode", "zip_code", "street"] ja ["住所", "現住所", "郵便番号"];
    row_religion: "a religion" => en ["religion", "religious_affiliation", "faith"] ja ["宗教", "信仰"];
    row_ethnicity: "an ethnicity" => en ["ethnicity", "ethnic_group", "race"] ja ["民族", "人種"];
    row_political: "a political opinion" => en ["political_views", "politics"] ja ["政治的意見", "支持政党", "思想"];
    row_sexual_orientation: "a sexual orientation or gender identity" => en ["sexual_orientation", "gender_identity", "LGBTQ"] ja ["性的指向", "性自認"];
    row_family: "family details" => en ["family", "spouse", "children", "number_of_children", "marital_status"] ja ["家族", "配偶者", "家族構成", "子供の人数"];
    row_health: "health information" => en ["health", "health_condition", "disability", "medical_history", "allergies"] ja ["健康", "健康状態", "病歴", "障害", "既往歴"];
    row_criminal_record: "a criminal record" => en ["criminal_record", "convictions", "arrest_history"] ja ["前科", "犯罪歴"];
    row_asylum: "the asylum claim" => en ["asylum_reason", "reason_for_asylum", "refugee_claim", "refugeeStatus", "detention"] ja ["難民申請理由", "迫害", "難民認定", "仮放免"];
}

#[test]
fn keys_that_name_things_or_skills_stay_legal() {
    for key in [
        // typed schema keys, and what they would be under extra
        "display_name",
        "origin_region",
        "headline",
        "job_categories",
        "languages",
        "skills",
        "experience_years",
        // names of things, not people
        "company_name",
        "companyName",
        "school_name",
        "project_name",
        "certification_name",
        "nickname",
        "nick_name",
        // words that hold a forbidden word only as letters
        "image",
        "usage",
        "language",
        "page",
        "hotel",
        "mailing_list",
        "telecom",
        "status",
        // skills and interests
        "hobby",
        "team",
        "mobile_app_development",
        "mobile_crane",
        "phone_support",
        "contact_center_experience",
        "ethnic_cuisine",
        "political_science",
        "health_care",
        "child_care",
        "会社の名前",
        "学校名",
        "会社名",
        "電話対応",
        "電話応対",
        "趣味",
        "得意料理",
        "政治学",
        "エスニック料理",
        "介護",
        "施工管理",
    ] {
        assert_eq!(concept_in_extra(key), None, "`{key}` should be legal");
    }
}

#[test]
fn key_words_split_every_writing_style() {
    let words = |k: &str| key_form(k).words;
    assert_eq!(words("dateOfBirth"), ["date", "of", "birth"]);
    assert_eq!(words("E-Mail"), ["e", "mail"]);
    assert_eq!(words("EMail"), ["e", "mail"]);
    assert_eq!(words("ＥＭＡＩＬ"), ["email"]);
    assert_eq!(words("HTTPServer"), ["http", "server"]);
    assert_eq!(words("phone2"), ["phone", "2"]);
    assert_eq!(words("TEL番号"), ["tel", "番号"]);
    assert_eq!(words("home address"), ["home", "address"]);
    assert_eq!(singular("nationalities"), "nationality");
    assert_eq!(singular("addresses"), "address");
    assert_eq!(singular("emails"), "email");
    assert_eq!(singular("status"), "status");
    assert_eq!(singular("sms"), "sms");
    assert_eq!(key_form("氏名・カナ").compact, "氏名カナ");
}

#[test]
fn spellings_are_unique_across_rows() {
    let mut seen = std::collections::HashMap::new();
    for c in FORBIDDEN {
        for s in c.en {
            if let Some(other) = seen.insert(joined(s), c.concept) {
                assert_eq!(other, c.concept, "`{s}` is in two rows");
            }
        }
    }
}

#[test]
fn the_first_row_wins_when_a_key_holds_two() {
    assert_eq!(
        forbidden_match("contact_email", &[])
            .map(|m| m.0)
            .as_deref(),
        Some("an e-mail address")
    );
    assert_eq!(
        forbidden_match("family_name", &[]).map(|m| m.0).as_deref(),
        Some("a legal name")
    );
    assert_eq!(
        forbidden_match("residence_status", &[])
            .map(|m| m.0)
            .as_deref(),
        Some("a residence status")
    );
}

#[test]
fn site_entries_match_as_words_or_japanese_text() {
    let site = ["hobby".to_string(), "趣味".to_string()];
    assert_eq!(
        forbidden_match("favourite_hobbies", &site),
        Some(("hobby".to_string(), SITE_WHY.to_string()))
    );
    assert!(forbidden_match("私の趣味", &site).is_some());
    assert!(forbidden_match("lobby", &site).is_none());
}

#[test]
fn every_key_is_found_at_top_level_and_nested_in_document_order() {
    let yaml =
        "id: a\nphone: x\nextra:\n  a:\n    - e_mail: x\n  b:\n    国籍: x\n  c: {氏名: x}\n";
    let mut report = GuardReport::default();
    let f = find_forbidden_keys(yaml, &[], SCHEMA, &mut report);
    let at: Vec<_> = f
        .iter()
        .map(|f| (f.key.as_str(), f.line, f.column))
        .collect();
    assert_eq!(
        at,
        [
            ("phone", Some(2), Some(1)),
            ("e_mail", Some(5), Some(7)),
            ("国籍", Some(7), Some(5)),
            ("氏名", Some(8), Some(7)),
        ]
    );
    assert_eq!(
        (report.keys, report.extra_keys),
        (9, 6),
        "id, phone, extra; a, e_mail, b, 国籍, c and 氏名 under extra"
    );
    // a schema key is fine at top level
    let mut n = GuardReport::default();
    assert!(find_forbidden_keys("display_name: A\n", &[], SCHEMA, &mut n).is_empty());
}

#[test]
fn a_key_written_with_yaml_escapes_is_found_at_the_key_before_it() {
    let yaml = "id: a\nextra:\n  hobby: x\n  \"\\u6C0F\\u540D\": x\n";
    let mut n = GuardReport::default();
    let f = find_forbidden_keys(yaml, &[], SCHEMA, &mut n);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].key, "氏名");
    assert_eq!((f[0].line, f[0].column), (Some(3), None));
}
