use std::collections::HashMap;

pub fn parse_config(text: &str) -> HashMap<String, u16> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let (key, value) = line.split_once('=').expect("line without '='");
        out.insert(key.trim().to_string(), value.trim().parse().unwrap());
    }
    out
}
