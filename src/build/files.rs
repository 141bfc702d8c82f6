//! Content files (bundle files, re-encoded images) for the dev server's
//! rebuilds: a source is read and re-encoded again only when its size or
//! time changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::assets;
use crate::content;
use crate::error::Result;
use crate::output::File;

/// (source, output, re-encode) → (stamp of the source, bytes).
pub(super) type FileCache = HashMap<(PathBuf, String, bool), (FileStamp, Vec<u8>)>;

pub(super) type FileStamp = (u64, Option<std::time::SystemTime>);

pub(super) fn stamp(path: &Path) -> Option<FileStamp> {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.len(), m.modified().ok()))
}

/// Content files (bundle files, re-encoded images) in the order
/// [`assets::content_files`] gives them, re-reading only changed sources.
pub(super) fn content_files_cached(
    root: &Path,
    images: &[content::ImageRef],
    assets: &[content::Asset],
    cache: &mut FileCache,
) -> Result<Vec<File>> {
    let keys: Vec<(PathBuf, String, bool)> = images
        .iter()
        .map(|i| (i.source.clone(), i.output.clone(), true))
        .chain(
            assets
                .iter()
                .map(|a| (a.source.clone(), a.output.clone(), a.reencode)),
        )
        .collect();
    let stamps: Vec<Option<FileStamp>> = keys.iter().map(|(src, _, _)| stamp(src)).collect();
    let missing: Vec<usize> = (0..keys.len())
        .filter(|&i| {
            stamps[i].is_none()
                || cache
                    .get(&keys[i])
                    .is_none_or(|(old, _)| Some(*old) != stamps[i])
        })
        .collect();
    let jobs: Vec<content::Asset> = missing
        .iter()
        .map(|&i| content::Asset {
            source: keys[i].0.clone(),
            output: keys[i].1.clone(),
            reencode: keys[i].2,
        })
        .collect();
    // in order, one file per job (an error in any fails the whole call)
    let fresh = assets::content_files(root, &[], &jobs)?;
    let mut fresh: HashMap<usize, Vec<u8>> = missing
        .into_iter()
        .zip(fresh)
        .map(|(i, (_, bytes))| (i, bytes))
        .collect();
    let mut kept = HashMap::with_capacity(keys.len());
    let mut out = Vec::with_capacity(keys.len());
    for (i, (key, s)) in keys.into_iter().zip(stamps).enumerate() {
        let bytes = match fresh.remove(&i) {
            Some(b) => b,
            None => match cache.get(&key) {
                Some((_, b)) => b.clone(),
                None => continue,
            },
        };
        if let Some(s) = s {
            kept.insert(key.clone(), (s, bytes.clone()));
        }
        out.push((key.1, bytes));
    }
    *cache = kept;
    Ok(out)
}
