//! The search tokenizer: any text tokenises without a panic, every token
//! is a slice of the normalised text, and the one-walk tokenizer
//! (`scan_folding`) gives exactly what normalising first and scanning
//! (`scan`) gives, whenever it says it could.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tsunagi::search::tokenize::{Scanned, normalize, scan, scan_folding, tokens, word_key};

fuzz_target!(|text: &str| {
    let norm = normalize(text);
    let mut reference: Vec<Scanned> = Vec::new();
    scan(&norm, |s| reference.push(s));
    for s in &reference {
        assert!(
            s.start < s.end && norm.get(s.start..s.end).is_some(),
            "{s:?}"
        );
    }
    for t in tokens(&norm) {
        if let tsunagi::search::tokenize::Token::Word(w) = t {
            let _ = word_key(w);
        }
    }
    let mut out = String::from("prefix ");
    let mut folded: Vec<Scanned> = Vec::new();
    if scan_folding(text, &mut out, |s| folded.push(s)) {
        assert_eq!(&out["prefix ".len()..], &*norm);
        assert_eq!(folded, reference);
    } else {
        assert_eq!(out, "prefix ", "left as it was");
    }
});
