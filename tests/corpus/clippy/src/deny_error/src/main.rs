#![deny(clippy::all)]

fn area(r: f64) -> f64 {
    3.14 * r * r
}

fn main() {
    let name = String::from("x");
    let copy = name.clone();
    println!("{} {}", area(2.0), copy);
}
