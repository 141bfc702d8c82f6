//! Japan's 47 prefectures, so that a region written without its suffix
//! (`東京`, `大阪`, `神奈川`) is the prefecture the directory filters on
//! (`東京都`, `大阪府`, `神奈川県`). Writers drop the suffix all the time in
//! speech and notes; a recruiter who checks 東京都 would otherwise miss every
//! talent whose profile says 東京. The list is the official one and does
//! not change, so it is written out here rather than taken from a crate.

/// Every prefecture, with its suffix, in the official order (北海道 has none).
const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The prefecture `region` names without its suffix, as the prefecture's
/// full name; anything else (a full name, a city, `リモート`, `Tokyo`) as it is.
pub fn canonical(region: &str) -> &str {
    let r = region.trim();
    PREFECTURES
        .into_iter()
        .find(|p| p.strip_suffix(['都', '府', '県']) == Some(r))
        .unwrap_or(region)
}

/// [`canonical`] for every region of a profile, without repeats (`[東京,
/// 東京都]` is one region), in the order written.
pub fn canonical_all(regions: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(regions.len());
    for r in regions {
        let c = canonical(&r).to_string();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefecture_without_its_suffix_gets_it() {
        assert_eq!(canonical("東京"), "東京都");
        assert_eq!(canonical("大阪"), "大阪府");
        assert_eq!(canonical("京都"), "京都府");
        assert_eq!(canonical("神奈川"), "神奈川県");
        assert_eq!(canonical(" 鹿児島 "), "鹿児島県");
        assert_eq!(canonical("北海道"), "北海道");
        // full names, cities, other places and one character stay as written
        for same in ["東京都", "横浜市", "リモート", "Tokyo", "都", "県", ""] {
            assert_eq!(canonical(same), same);
        }
        assert_eq!(
            canonical_all(vec![
                "東京".into(),
                "東京都".into(),
                "リモート".into(),
                "埼玉".into()
            ]),
            ["東京都", "リモート", "埼玉県"]
        );
    }

    #[test]
    fn the_list_is_complete_and_distinct() {
        let mut stems: Vec<&str> = PREFECTURES
            .iter()
            .map(|p| p.strip_suffix(['都', '府', '県']).unwrap_or(p))
            .collect();
        stems.sort_unstable();
        stems.dedup();
        assert_eq!(stems.len(), 47);
    }
}
