//! Build-time work on rules/*.yaml:
//! - the rule registry (src/registry): every rule declaration of rules/builtin.yaml and of the shipped
//!   packs read, checked (a duplicate or retired code, a bad field, a pack missing from the shipped list
//!   fails the build with its file and line) and written as Rust (src/registry/decl.rs);
//! - the shipped packs' YAML parsed once into the compact tree form of src/rules/cache.rs, so that a run
//!   starts without parsing YAML (about 1.5 ms of a single paste), and their list for src/rules/mod.rs.

#[path = "src/rules/cache.rs"]
mod cache;
// Both are the library's too; the build uses part of them.
#[allow(dead_code)]
#[path = "src/registry/decl.rs"]
mod decl;
#[allow(dead_code)]
#[path = "src/registry/schema.rs"]
mod schema;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    for f in [
        "src/rules/cache.rs",
        "src/registry/decl.rs",
        "src/registry/schema.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut files = Vec::new();
    for entry in std::fs::read_dir("rules")
        .expect("the rules directory")
        .flatten()
    {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let name = entry.file_name().to_string_lossy().into_owned();
        files.push((
            name,
            std::fs::read_to_string(&path).expect("a readable file"),
        ));
    }
    files.sort();
    let declared = match decl::read(&files) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    for name in &declared.packs {
        let file = format!("{name}.yaml");
        let text = files.iter().find(|(n, _)| *n == file).map(|(_, t)| t);
        let mut tree = String::new();
        // decl::read parsed it already; the options are the loader's (cache::yaml_options).
        if let Some(root) = text
            .and_then(|t| marked_yaml::parse_yaml_with_options(0, t, cache::yaml_options()).ok())
        {
            cache::encode(&root, &mut tree);
        }
        std::fs::write(out.join(format!("{name}.tree")), tree).expect("OUT_DIR is writable");
    }
    let write = |name: &str, text: String| {
        std::fs::write(out.join(name), text).expect("OUT_DIR is writable");
    };
    write("registry.rs", decl::rust(&declared));
    write("shipped_packs.rs", decl::shipped(&declared));
}
