//! The inverted index's own tests: postings, shards and their encoding.

use super::*;
use crate::search::encode::Reader;

fn doc(fields: &[(&'static str, u32)]) -> DocText<'static> {
    let mut d = DocText::default();
    for (t, w) in fields {
        d.add(*t, *w);
    }
    d
}

fn term(enc: &Encoded, key: &str, shard_key: &str) -> Option<Postings> {
    let n = enc.terms.len() as u32;
    let shard = &enc.terms[tokenize::shard_of(shard_key, n) as usize];
    let e = Reader::new(shard).entries();
    e.get(key).map(|p| Reader::new(p).postings())
}

#[test]
fn bigrams_and_words_with_weights() {
    let docs = vec![
        doc(&[("Python エンジニア", weight::TITLE)]),
        doc(&[("エンジニアとPythonとpython", weight::BODY)]),
        doc(&[("料理", weight::BODY)]),
    ];
    let enc = build(&docs, Targets::default());
    // weight levels: 16 (a title) is level 9, 2 (twice in the body) level 1
    assert_eq!(term(&enc, "python", "py"), Some(vec![(0, 9), (1, 1)]));
    assert_eq!(term(&enc, "エン", "エン"), Some(vec![(0, 9), (1, 0)]));
    assert_eq!(term(&enc, "料理", "料理"), Some(vec![(2, 0)]));
    assert_eq!(term(&enc, "理料", "理料"), None);
}

#[test]
fn weights_saturate_at_the_top_level() {
    let long = "ます ".repeat(400);
    let docs = vec![DocText {
        fields: vec![(Cow::Owned(long), weight::BODY)],
    }];
    let enc = build(&docs, Targets::default());
    assert_eq!(term(&enc, "ます", "ます"), Some(vec![(0, 15)]));
}

#[test]
fn phrases_are_shared_and_positions_are_exact() {
    let docs = vec![
        doc(&[("ソフトウェアエンジニアです", weight::BODY)]),
        doc(&[("ソフトウェアの会社。エンジニア", weight::BODY)]),
        doc(&[("ソフトウェアエンジニアです", weight::TITLE)]),
    ];
    let enc = build(&docs, Targets::default());
    // phrases in text order: エンジニア, ソフトウェアの会社, ソフトウェアエンジニアです
    assert_eq!(enc.phrase_count, 3);
    let mut r = Reader::new(&enc.phrases[0].1);
    assert_eq!(r.uint(), 3);
    let mut texts = Vec::new();
    let mut posts = Vec::new();
    for _ in 0..3 {
        texts.push(r.str());
        posts.push(r.postings());
    }
    assert_eq!(
        texts,
        [
            "エンジニア",
            "ソフトウェアの会社",
            "ソフトウェアエンジニアです"
        ]
    );
    assert_eq!(posts[2], vec![(0, 0), (2, 9)], "one phrase, two documents");
    // the bigram アエ exists only inside phrase 2, at offset 5
    let n = enc.occs.len() as u32;
    let e = Reader::new(&enc.occs[tokenize::shard_of("アエ", n) as usize]).entries();
    let mut r = Reader::new(&e["アエ"]);
    assert_eq!(r.uint(), 1);
    assert_eq!((r.uint(), r.uint(), r.uint()), (2, 1, 5));
    // single characters list their phrases
    let e = Reader::new(&enc.occs[tokenize::shard_of("会", n) as usize]).entries();
    let mut r = Reader::new(&e["会"]);
    assert_eq!((r.uint(), r.uint()), (1, 1));
}

#[test]
fn characters_in_many_phrases_get_a_document_list() {
    let docs: Vec<DocText<'static>> = (0..6)
        .map(|i| {
            let mut d = DocText::default();
            // "の" in six different phrases, "猫" in one
            d.add(
                ["犬の話", "鳥の歌", "空の色", "海の音", "山の道", "川の水"][i],
                weight::BODY,
            );
            if i == 2 {
                d.add("猫", weight::TITLE);
            }
            d
        })
        .collect();
    let enc = build(&docs, Targets::default());
    let no = term(&enc, "の", "の").expect("a list for の");
    assert_eq!(
        no.iter().map(|p| p.0).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
    assert_eq!(
        term(&enc, "猫", "猫"),
        None,
        "a rare character goes through its phrases"
    );
    assert_eq!(term(&enc, "犬", "犬"), None);
}

#[test]
fn common_characters_list_documents_from_sparse_and_dense_phrases() {
    // 300 documents (a bitset of five words): "の" in eight phrases, two
    // of them on every sixth document (50 documents each: OR-ed in as
    // bitsets), six on one document each (their bits set one by one)
    let dense = ["犬の話", "鳥の歌"];
    let sparse = ["空の色", "海の音", "山の道", "川の水", "森の木", "街の灯"];
    let docs: Vec<DocText<'static>> = (0..300)
        .map(|i| {
            let mut d = DocText::default();
            d.add("本文", weight::BODY);
            if i % 3 == 0 {
                d.add(dense[i % 2], weight::BODY);
            }
            if let Some(&p) = [7, 70, 131, 200, 263, 299]
                .iter()
                .position(|&n| n == i)
                .map(|k| &sparse[k])
            {
                d.add(p, weight::TITLE);
            }
            d
        })
        .collect();
    let enc = build(&docs, Targets::default());
    let got: Vec<u32> = term(&enc, "の", "の")
        .expect("a list for の")
        .iter()
        .map(|p| p.0)
        .collect();
    let mut want: Vec<u32> = (0..300).step_by(3).collect();
    want.extend([7, 70, 131, 200, 263, 299]);
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn shard_counts_follow_the_data() {
    assert_eq!(shard_count(0, 100, 64), 1);
    assert_eq!(shard_count(250, 100, 64), 4);
    assert_eq!(shard_count(1_000_000, 1, 64), 64);
    let many: Vec<DocText<'static>> = (0..300)
        .map(|i| {
            let mut d = DocText::default();
            let (a, b) = (
                char::from_u32(0x4E00 + i).unwrap_or('一'),
                char::from_u32(0x5E00 + i).unwrap_or('一'),
            );
            d.add(format!("word{i} {a}{b}の文書"), weight::BODY);
            d
        })
        .collect();
    let small = Targets {
        term_shard: 512,
        occ_shard: 256,
        phrase_shard: 256,
    };
    let enc = build(&many, small);
    assert!(enc.terms.len() > 1 && enc.terms.len().is_power_of_two());
    assert!(enc.occs.len() > 1);
    assert!(enc.phrases.len() > 1);
    // phrase shards cover every id once, in order
    let mut next = 0;
    for (first, bytes) in &enc.phrases {
        assert_eq!(*first, next);
        next += Reader::new(bytes).uint() as u32;
    }
    assert_eq!(next, enc.phrase_count);
    // every word is in the shard of its first two characters
    for i in [0, 7, 299] {
        let w = format!("word{i}");
        assert_eq!(term(&enc, &w, "wo").map(|p| p[0].0), Some(i));
    }
}

#[test]
fn output_is_deterministic() {
    let docs: Vec<DocText<'static>> = (0..50)
        .map(|i| {
            let mut d = DocText::default();
            d.add(format!("文書{i} doc{i} 共通の文"), weight::BODY);
            d
        })
        .collect();
    let a = build(&docs, Targets::default());
    let b = build(&docs, Targets::default());
    assert_eq!(a.terms, b.terms);
    assert_eq!(a.occs, b.occs);
    assert_eq!(a.phrases, b.phrases);
    // whatever the number of threads
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let c = pool.install(|| build(&docs, Targets::default()));
        assert_eq!(
            (&a.terms, &a.occs, &a.phrases),
            (&c.terms, &c.occs, &c.phrases)
        );
    }
}
