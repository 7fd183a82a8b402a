fn main() {
    let mut names = vec![String::from("a"), String::from("b")];
    let first = &names[0];
    names.push(String::from("c"));
    println!("{first}");
    let unused = 5;
}
