fn total(items: &[u32]) -> u32 {
    let unused = 3;
    items.iter().sum()
}

fn main() {
    let n: u32 = "seven";
    println!("{}", total(&[n]));
}
