fn total(xs: &Vec<i32>) -> i32 {
    let mut sum = 0;
    for i in 0..xs.len() {
        sum += xs[i];
    }
    return sum;
}

fn main() {
    let v = vec![1, 2, 3];
    if v.len() == 0 {
        return;
    }
    println!("{}", total(&v));
}
