use old_unwrap::parse_config;

#[test]
fn reads_ports() {
    let cfg = parse_config("http = 80\nhttps = 443");
    assert_eq!(cfg["http"], 80);
}

#[test]
fn rejects_big_ports() {
    let cfg = parse_config("http = 99999");
    assert!(cfg.is_empty(), "expected no entries, got {:?}", cfg);
}
