pub fn split_words(s: &str) -> Vec<&str> {
    s.split(' ').collect()
}

pub fn checked_div(a: i32, b: i32) -> i32 {
    if b == 0 {
        panic!("division by zero: {} / {}", a, b);
    }
    a / b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_any_whitespace() {
        assert_eq!(
            split_words("a  b\tc"),
            vec!["a", "b", "c"]
        );
    }

    #[test]
    fn divides() {
        assert_eq!(checked_div(6, 3), 2);
        assert_eq!(checked_div(1, 0), 0);
    }
}
