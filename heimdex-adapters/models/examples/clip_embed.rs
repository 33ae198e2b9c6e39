//! Writes a CLIP-style model with random weights and embeds raw RGB images with it, so that
//! `benches/media/clip_against_transformers.py` can compare Heimdex's image vectors with Hugging
//! Face's `CLIPModel` on the same weights and pixels.
//!
//! ```sh
//! cargo build --release -p heimdex-models --features "media embeddings" --example clip_embed
//! clip_embed random DIR [IMAGE PATCH HIDDEN MLP LAYERS HEADS PROJECTION]
//!                                   # config.json + model.safetensors, random weights
//!                                   # (default shape: ClipShape::TINY)
//! clip_embed embed DIR FILE…        # FILE: packed RGB24, the model's image size square;
//!                                   # prints {"vectors":[[…],…]}, one per file, in order
//! ```

#[cfg(feature = "embeddings")]
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match clip::run(&args) {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("clip_embed: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "embeddings"))]
fn main() {
    eprintln!("clip_embed needs --features embeddings");
    std::process::exit(2);
}

#[cfg(feature = "embeddings")]
mod clip {
    use std::path::Path;

    use heimdex_models::embeddings::{write_random_clip_model, ClipShape, ImageEmbedder};
    use serde_json::json;

    const USAGE: &str = "usage: clip_embed random DIR [IMAGE PATCH HIDDEN MLP LAYERS HEADS \
                         PROJECTION] | embed DIR FILE…";

    /// Runs the command `args` name and returns its JSON line.
    pub fn run(args: &[String]) -> Result<String, String> {
        match args {
            [what, dir, rest @ ..] if what == "random" => {
                let shape = shape(rest)?;
                write_random_clip_model(Path::new(dir), &shape).map_err(|e| e.to_string())?;
                Ok(json!({ "dir": dir, "shape": format!("{shape:?}") }).to_string())
            }
            [what, dir, files @ ..] if what == "embed" && !files.is_empty() => {
                let embedder = ImageEmbedder::load(Path::new(dir)).map_err(|e| e.to_string())?;
                let images = files
                    .iter()
                    .map(|f| std::fs::read(f).map_err(|e| format!("{f}: {e}")))
                    .collect::<Result<Vec<_>, _>>()?;
                let vectors = embedder
                    .embed_rgb_blocking(&images)
                    .map_err(|e| e.to_string())?;
                Ok(json!({ "vectors": vectors }).to_string())
            }
            _ => Err(USAGE.into()),
        }
    }

    /// The shape the seven numbers give, or [`ClipShape::TINY`] without them.
    fn shape(numbers: &[String]) -> Result<ClipShape, String> {
        if numbers.is_empty() {
            return Ok(ClipShape::TINY);
        }
        let n: Vec<usize> = numbers
            .iter()
            .map(|s| s.parse().map_err(|_| format!("not a size: {s:?}")))
            .collect::<Result<_, _>>()?;
        let [image_size, patch_size, hidden_size, intermediate_size, num_layers, num_heads, projection_dim] =
            n[..]
        else {
            return Err(USAGE.into());
        };
        let shape = ClipShape {
            image_size,
            patch_size,
            hidden_size,
            intermediate_size,
            num_layers,
            num_heads,
            projection_dim,
        };
        // The same checks a config.json gets when it is loaded.
        ClipShape::from_config_json(&shape.to_config_json())
    }
}
