//! Finding `model.bin` and `vocabulary.txt` in a wheel (a zip) or a folder.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::ImportError;

/// The two files the converter needs, read into memory.
pub(crate) struct Files {
    pub model: Vec<u8>,
    pub vocabulary: String,
    /// Where `model.bin` was found (a path, or `wheel!entry`), for the report.
    pub found_at: String,
}

/// Reads the files from `input`: a folder (searched recursively for `model.bin` with
/// `vocabulary.txt` beside it), or a zip (a `.whl`) holding them in one folder.
pub(crate) fn read(input: &Path) -> Result<Files, ImportError> {
    let meta = std::fs::metadata(input).map_err(|e| ImportError::read(input, e))?;
    if meta.is_dir() {
        let dir = find_dir(input)?.ok_or_else(|| missing(input))?;
        let model_path = dir.join("model.bin");
        let model = std::fs::read(&model_path).map_err(|e| ImportError::read(&model_path, e))?;
        let vocab_path = dir.join("vocabulary.txt");
        let vocabulary =
            std::fs::read_to_string(&vocab_path).map_err(|e| ImportError::read(&vocab_path, e))?;
        Ok(Files {
            model,
            vocabulary,
            found_at: model_path.display().to_string(),
        })
    } else {
        read_zip(input)
    }
}

/// The first folder under `dir` (breadth-first, sorted) holding both files.
fn find_dir(dir: &Path) -> Result<Option<PathBuf>, ImportError> {
    let mut queue = vec![dir.to_path_buf()];
    while !queue.is_empty() {
        let mut next = Vec::new();
        for d in queue {
            if d.join("model.bin").is_file() && d.join("vocabulary.txt").is_file() {
                return Ok(Some(d));
            }
            let entries = std::fs::read_dir(&d).map_err(|e| ImportError::read(&d, e))?;
            let mut subdirs: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            subdirs.sort();
            next.extend(subdirs);
        }
        queue = next;
    }
    Ok(None)
}

fn read_zip(input: &Path) -> Result<Files, ImportError> {
    let file = std::fs::File::open(input).map_err(|e| ImportError::read(input, e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        ImportError::Format(format!(
            "{} is neither a folder nor a readable wheel/zip: {e}",
            input.display()
        ))
    })?;
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let model_name = names
        .iter()
        .filter(|n| n.ends_with("model.bin") && (*n == "model.bin" || n.ends_with("/model.bin")))
        .find(|n| names.contains(&sibling(n, "vocabulary.txt")))
        .cloned()
        .ok_or_else(|| missing(input))?;
    let mut entry = |name: &str| -> Result<Vec<u8>, ImportError> {
        let mut file = zip
            .by_name(name)
            .map_err(|e| ImportError::Format(format!("{}!{name}: {e}", input.display())))?;
        let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
        file.read_to_end(&mut out)
            .map_err(|e| ImportError::read(&input.join(name), e))?;
        Ok(out)
    };
    let model = entry(&model_name)?;
    let vocab_name = sibling(&model_name, "vocabulary.txt");
    let vocabulary = String::from_utf8(entry(&vocab_name)?)
        .map_err(|_| ImportError::Format(format!("{vocab_name} is not UTF-8")))?;
    Ok(Files {
        model,
        vocabulary,
        found_at: format!("{}!{model_name}", input.display()),
    })
}

/// `file` in the same zip folder as `entry`.
fn sibling(entry: &str, file: &str) -> String {
    match entry.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{file}"),
        None => file.to_owned(),
    }
}

fn missing(input: &Path) -> ImportError {
    ImportError::Format(format!(
        "{} holds no CTranslate2 Whisper model (model.bin with vocabulary.txt beside it)",
        input.display()
    ))
}
