fn parse_port(s: &str) -> u16 {
    s.parse().unwrap_or(8080)
}

fn main() {
    let port: u16 = "8080";
    let other: u32 = parse_port("81");
    println!("{port} {other}");
}
