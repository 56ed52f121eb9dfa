//! A realm export of many copies of the broken Atlassian client (each its own clientId): what the
//! batch tests and benches/pipeline.rs (`#[path]`-included there) lint and show.

/// A realm of `n` clients, written to `realm.json` in `dir`; its path.
pub fn broken_clients(n: usize, dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/keycloak/atlassian-cloud-broken.json"
    ))
    .expect("the broken client fixture");
    let client: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let clients: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut c = client.clone();
            c["clientId"] = serde_json::json!(format!("https://auth.atlassian.com/saml/{i:036}"));
            c
        })
        .collect();
    let realm =
        serde_json::json!({"realm": "acme", "id": "acme", "enabled": true, "clients": clients});
    let path = dir.join("realm.json");
    std::fs::write(&path, serde_json::to_string_pretty(&realm).expect("JSON"))
        .expect("write the realm");
    path.to_string_lossy().into_owned()
}
