//! Search recall and precision (issue #4): a generated corpus of Japanese
//! and English sentences with known answers, built and searched in headless
//! Chromium; every query must find exactly the documents containing it.

use std::collections::{BTreeMap, BTreeSet};

use tsunagi::search::tokenize::{self, Token};

use crate::browser::search_queries;
use crate::harness::*;

const TODAY: &str = "2026-06-01";

/// Words that share bigrams on purpose (ソフト|ウェア|エンジ|ニア, 日本|本語|語学),
/// hiragana glue, and English words that are prefixes of each other.
const JA: &[&str] = &[
    "ソフトウェア",
    "エンジニア",
    "ハードウェア",
    "エンジン",
    "ウェブ",
    "デザイナー",
    "ニアショア",
    "日本語",
    "日本",
    "本語",
    "語学",
    "学習",
    "東京",
    "京都",
    "都市",
    "市場",
    "場所",
    "看護",
    "介護",
    "護身",
    "料理",
    "理科",
    "科学",
    "学校",
    "通訳",
    "翻訳",
    "訳者",
    "ﾃﾞｰﾀ",
    "データ",
    "分析",
    "析出",
    "ｴﾝｼﾞﾆｱ",
    "ＩＴ",
    "々",
    "人々",
];
const GLUE: &[&str] = &[
    "の", "と", "を", "が", "は", "で", "に", "、", "。", " ", "・", "\n\n",
];
const EN: &[&str] = &[
    "engine",
    "engineer",
    "engineering",
    "soft",
    "software",
    "soup",
    "data",
    "database",
    "kitchen",
    "kit",
    "nurse",
    "nursing",
    "python",
    "pythonista",
    "go",
    "golang",
    "Ｗｅｂ",
    "web",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for _ in 0..words {
        if rng.below(5) == 0 {
            s.push(' ');
            s.push_str(rng.pick(EN));
            s.push(' ');
        } else {
            s.push_str(rng.pick(JA));
        }
        s.push_str(rng.pick(GLUE));
    }
    s.trim().to_string()
}

/// The oracle: CJK runs and words of a document's indexed text.
fn doc_tokens(text: &str) -> (Vec<String>, Vec<String>) {
    let norm = tokenize::normalize(text);
    let (mut runs, mut words) = (Vec::new(), Vec::new());
    for t in tokenize::tokens(&norm) {
        match t {
            Token::Cjk(r) => runs.push(r.to_string()),
            Token::Word(w) => words.push(w.to_string()),
        }
    }
    (runs, words)
}

/// Does a document match a query token? CJK: a substring of a run; a word:
/// a prefix of a word (the word itself when it has one character).
fn token_matches(tok: &Token<'_>, runs: &[String], words: &[String]) -> bool {
    match tok {
        Token::Cjk(q) => runs.iter().any(|r| r.contains(q)),
        Token::Word(q) if q.chars().count() < 2 => words.iter().any(|w| w == q),
        Token::Word(q) => words.iter().any(|w| w.starts_with(q)),
    }
}

#[test]
fn recall_and_precision_are_100_percent_on_a_generated_corpus() {
    let site = TempSite::empty();
    site.write(
        "site.yaml",
        "title: \"Generated corpus\"\nbase_url: \"https://example.org/gen/\"\n",
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut docs: Vec<(String, String, String)> = Vec::new(); // (url, title, body)
    for i in 0..240 {
        let title = sentence(&mut rng, 2).replace('\n', " ");
        let paragraphs = 1 + rng.below(3);
        let body = (0..paragraphs)
            .map(|_| {
                let n = 4 + rng.below(10);
                sentence(&mut rng, n)
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        site.write(
            &format!("content/stories/s{i}.md"),
            format!(
                "---\ntitle: {}\ndate: 2025-{month:02}-{day:02}\n---\n\n{body}\n",
                serde_json::to_string(&title).expect("json")
            ),
        );
        docs.push((format!("/gen/stories/s{i}/"), title, body));
    }
    site.build(TODAY, &[]);

    let oracle: Vec<(Vec<String>, Vec<String>)> = docs
        .iter()
        .map(|(_, t, b)| {
            // the plain text of the body: paragraphs on their own lines
            doc_tokens(&format!("{t}\n{}", b.replace("\n\n", "\n")))
        })
        .collect();
    // queries: substrings of 1–8 characters of real runs, English words and
    // prefixes, compounds of words that mostly never touch, and absent text
    let mut queries: BTreeSet<String> = BTreeSet::new();
    while queries.len() < 400 {
        let (runs, words) = &oracle[rng.below(oracle.len())];
        match rng.below(4) {
            0 | 1 if !runs.is_empty() => {
                let r: Vec<char> = runs[rng.below(runs.len())].chars().collect();
                let len = 1 + rng.below(r.len().min(8));
                let start = rng.below(r.len() - len + 1);
                queries.insert(r[start..start + len].iter().collect());
            }
            2 if !words.is_empty() => {
                let w: Vec<char> = words[rng.below(words.len())].chars().collect();
                let len = (2 + rng.below(w.len())).min(w.len());
                queries.insert(w[..len].iter().collect());
            }
            _ => {
                let q = format!("{}{}", rng.pick(JA), rng.pick(JA));
                queries.insert(q);
            }
        }
    }
    for q in [
        "ソフトウェアエンジニア",
        "エンジニアソフトウェア",
        "日本語学習",
        "本語学",
        "京都市場",
        "データ分析",
        "まったくない",
        "soup engine",
        "ウェブ data",
    ] {
        queries.insert(q.to_string());
    }
    let queries: Vec<String> = queries.into_iter().collect();
    let asked: Vec<&str> = queries.iter().map(String::as_str).collect();
    let got: BTreeMap<String, BTreeSet<String>> =
        search_queries(&site.public(), "/gen/", "search-index/", &asked)
            .into_iter()
            .map(|(q, urls)| (q, urls.into_iter().collect()))
            .collect();

    let (mut relevant, mut found, mut correct, mut empty, mut multi) = (0, 0, 0, 0, 0);
    let mut wrong = Vec::new();
    for q in &queries {
        let norm = tokenize::normalize(q);
        let toks = tokenize::tokens(&norm);
        let expected: BTreeSet<String> = docs
            .iter()
            .zip(&oracle)
            .filter(|(_, (runs, words))| {
                !toks.is_empty() && toks.iter().all(|t| token_matches(t, runs, words))
            })
            .map(|((u, _, _), _)| u.clone())
            .collect();
        let g = &got[q];
        relevant += expected.len();
        found += g.len();
        correct += g.intersection(&expected).count();
        empty += usize::from(expected.is_empty());
        multi += usize::from(
            toks.iter()
                .any(|t| matches!(t, Token::Cjk(r) if r.chars().count() >= 3)),
        );
        if *g != expected {
            wrong.push(format!(
                "{q}: missing {:?}, extra {:?}",
                expected.difference(g).collect::<Vec<_>>(),
                g.difference(&expected).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} queries differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    println!(
        "{} queries over {} documents: {relevant} relevant results, all found, none extra \
         ({empty} with no answer, {multi} with 3+ Japanese characters)",
        queries.len(),
        docs.len()
    );
    // the corpus exercised what it claims to
    assert!(relevant > 2000 && found == relevant && correct == relevant);
    assert!(empty >= 10, "queries with no answer: {empty}");
    assert!(multi >= 100, "queries of 3+ Japanese characters: {multi}");
}
