//! Parse the shipped rule packs' YAML once, at build time, into the compact tree form of
//! src/rules/cache.rs, so that a run starts without parsing YAML (about 1.5 ms of a single paste).
//! A pack that does not parse gets an empty file: the run then parses the YAML itself and reports the
//! error with its place, as for any pack.

#[path = "src/rules/cache.rs"]
mod cache;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/rules/cache.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dir = std::fs::read_dir("rules").expect("the rules directory");
    for entry in dir.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a readable pack");
        let mut tree = String::new();
        if let Ok(root) = marked_yaml::parse_yaml_with_options(0, &text, cache::yaml_options()) {
            cache::encode(&root, &mut tree);
        }
        let name = path.file_stem().expect("a file name");
        std::fs::write(out.join(name).with_extension("tree"), tree).expect("OUT_DIR is writable");
    }
}
