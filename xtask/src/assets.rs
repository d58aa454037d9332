//! The console's static files as the server sends them: fingerprinted names (so browsers
//! may keep them forever) and brotli and gzip copies made once here, not per request.

use std::io::Write;
use std::path::Path;

/// Read by the server at start (`server/src/assets.rs`) to name the files in each page.
const MANIFEST: &str = "assets.json";

/// How hard to compress: release builds take the time for the smallest files; dev builds
/// (a 20 MB unoptimised wasm) stay quick.
#[derive(Clone, Copy)]
pub enum Effort {
    Quick,
    Smallest,
}

/// The API reference viewer's files (`/api-docs`): the registry package's script and
/// stylesheet, and the script that starts it, each copied into `pkg/` under this name.
pub const VIEWER: [(&str, &str); 3] = [
    (
        "frontend/api-docs/node_modules/swagger-ui-dist/swagger-ui-bundle.js",
        "api-docs-viewer.js",
    ),
    (
        "frontend/api-docs/node_modules/swagger-ui-dist/swagger-ui.css",
        "api-docs-viewer.css",
    ),
    ("frontend/api-docs/start.js", "api-docs-start.js"),
];

/// Renames `pkg/foxgate.{js,wasm,css}` and the viewer's files to names carrying their
/// content's hash, writes a `.br` and a `.gz` beside each, removes what earlier builds left,
/// and writes the manifest. The JS glue and the wasm share one name (the glue is generated
/// for that wasm).
pub fn fingerprint(site_root: &Path, effort: Effort) -> Result<(), String> {
    let pkg = site_root.join("pkg");
    let read = |name: &str| std::fs::read(pkg.join(name)).map_err(|e| format!("{name}: {e}"));
    let (js, wasm, css) = (
        read("foxgate.js")?,
        read("foxgate.wasm")?,
        read("foxgate.css")?,
    );
    let app = format!("foxgate-{}", short_hash(&[&js, &wasm]));
    let stylesheet = format!("foxgate-{}.css", short_hash(&[&css]));
    let mut viewer = Vec::new();
    for (_, name) in VIEWER {
        let bytes = read(name)?;
        let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
        viewer.push((
            format!("{stem}-{}.{extension}", short_hash(&[&bytes])),
            bytes,
        ));
    }

    for entry in std::fs::read_dir(&pkg).map_err(|e| e.to_string())? {
        std::fs::remove_file(entry.map_err(|e| e.to_string())?.path())
            .map_err(|e| e.to_string())?;
    }
    let ours = [
        (format!("{app}.js"), &js),
        (format!("{app}.wasm"), &wasm),
        (stylesheet.clone(), &css),
    ];
    let theirs = viewer.iter().map(|(name, bytes)| (name.clone(), bytes));
    for (name, bytes) in ours.into_iter().chain(theirs) {
        let path = pkg.join(&name);
        std::fs::write(&path, bytes).map_err(|e| format!("{name}: {e}"))?;
        write_compressed(&path, bytes, effort)?;
    }
    let manifest = format!(
        "{{\"app\": \"{app}\", \"stylesheet\": \"{stylesheet}\", \"api_docs\": \
         {{\"viewer_script\": \"{}\", \"viewer_stylesheet\": \"{}\", \"start_script\": \"{}\"}}}}\n",
        viewer[0].0, viewer[1].0, viewer[2].0
    );
    std::fs::write(site_root.join(MANIFEST), manifest).map_err(|e| e.to_string())?;
    println!(
        "xtask: assets {app}.wasm ({} KB, {} KB brotli), {stylesheet}",
        wasm.len() / 1024,
        file_len(&pkg.join(format!("{app}.wasm.br"))) / 1024
    );
    Ok(())
}

fn short_hash(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write_compressed(path: &Path, bytes: &[u8], effort: Effort) -> Result<(), String> {
    let (brotli_quality, gzip_level) = match effort {
        Effort::Quick => (4, 4),
        Effort::Smallest => (11, 9),
    };
    let with_suffix = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    };
    let mut br = Vec::new();
    brotli::BrotliCompress(
        &mut &bytes[..],
        &mut br,
        &brotli::enc::BrotliEncoderParams {
            quality: brotli_quality,
            lgwin: 22,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(with_suffix(".br"), br).map_err(|e| e.to_string())?;

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(gzip_level));
    gz.write_all(bytes).map_err(|e| e.to_string())?;
    let gz = gz.finish().map_err(|e| e.to_string())?;
    std::fs::write(with_suffix(".gz"), gz).map_err(|e| e.to_string())
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
