//! Fetches the NHS.UK frontend from the npm registry (pinned by
//! `assets/package-lock.json`) and prepares every static asset for embedding:
//! its stylesheet, without the web fonts it would load from a CDN, the icons
//! that stylesheet points at, and our own `assets/app.css`. The files are
//! served under a path carrying a hash of their contents, so they can be
//! cached for a year, and are gzipped here once rather than per request.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let assets = manifest.join("../../assets");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for file in ["package.json", "package-lock.json", "app.css"] {
        println!("cargo:rerun-if-changed={}", assets.join(file).display());
    }

    let npm_dir = out.join("npm");
    let frontend = npm_dir.join("node_modules/nhsuk-frontend/dist/nhsuk");
    install(&assets, &npm_dir, &frontend);

    let css = fs::read_to_string(frontend.join("nhsuk-frontend.min.css"))
        .expect("read nhsuk-frontend.min.css");
    let (css, images) = localise(&css);
    let mut files: Vec<(String, Vec<u8>, &str)> = vec![
        (
            "nhsuk.css".into(),
            css.into_bytes(),
            "text/css; charset=utf-8",
        ),
        (
            "app.css".into(),
            fs::read(assets.join("app.css")).expect("read assets/app.css"),
            "text/css; charset=utf-8",
        ),
    ];
    for image in images {
        let bytes = fs::read(frontend.join("assets/images").join(&image))
            .unwrap_or_else(|e| panic!("read nhsuk image {image}: {e}"));
        files.push((format!("nhsuk/images/{image}"), bytes, "image/svg+xml"));
    }

    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, bytes, _) in &files {
        for b in name.as_bytes().iter().chain(bytes) {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let mut code = format!(
        "/// Changes whenever any asset changes; part of every asset URL.\npub const VERSION: &str = \"{:012x}\";\n",
        hash & 0xffff_ffff_ffff
    );
    code.push_str(
        "/// Every embedded asset: path under the versioned prefix, bytes, gzipped bytes, content type.\npub const FILES: &[(&str, &[u8], &[u8], &str)] = &[\n",
    );
    for (name, bytes, content_type) in &files {
        let path = out.join("embedded").join(name);
        fs::create_dir_all(path.parent().expect("asset path has a folder"))
            .expect("make asset folder");
        fs::write(&path, bytes).expect("write asset");
        let gz_path = out.join("embedded").join(format!("{name}.gz"));
        fs::write(&gz_path, gzip(bytes)).expect("write gzipped asset");
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?}), include_bytes!({:?}), {content_type:?}),",
            path.display().to_string(),
            gz_path.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    fs::write(out.join("assets.rs"), code).expect("write assets.rs");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

/// Installs the locked npm packages into `npm_dir`, unless already there.
fn install(assets: &Path, npm_dir: &Path, frontend: &Path) {
    fs::create_dir_all(npm_dir).expect("make npm folder");
    let lock = fs::read(assets.join("package-lock.json")).expect("read assets/package-lock.json");
    let stamp = npm_dir.join("installed-lock.json");
    if frontend.join("nhsuk-frontend.min.css").exists() && fs::read(&stamp).is_ok_and(|s| s == lock)
    {
        return;
    }
    fs::copy(assets.join("package.json"), npm_dir.join("package.json")).expect("copy package.json");
    fs::write(npm_dir.join("package-lock.json"), &lock).expect("copy package-lock.json");
    let status = Command::new("npm")
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            "--loglevel=error",
        ])
        .current_dir(npm_dir)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "Building Alongside needs npm (Node.js) to fetch the NHS.UK frontend styles: {e}"
            )
        });
    assert!(
        status.success(),
        "npm ci failed while fetching nhsuk-frontend; see the output above"
    );
    fs::write(&stamp, lock).expect("write install stamp");
}

/// Removes the `@font-face` rules (they load fonts from a CDN; the font stack
/// falls back to Arial) and points image URLs at our own embedded copies.
/// Returns the stylesheet and the image file names it uses.
fn localise(css: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("@font-face{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closed @font-face rule");
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    assert!(
        !out.contains("https://"),
        "nhsuk-frontend stylesheet still refers to a remote URL"
    );

    let prefix = "url(/assets/images/";
    let mut images = Vec::new();
    let mut search = out.as_str();
    while let Some(at) = search.find(prefix) {
        let after = &search[at + prefix.len()..];
        let name = &after[..after.find(')').expect("closed url()")];
        if !images.iter().any(|i: &String| i == name) {
            images.push(name.to_owned());
        }
        search = after;
    }
    (out.replace(prefix, "url(nhsuk/images/"), images)
}
