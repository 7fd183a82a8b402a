import gleam/io

pub fn main() {
  prinln("hello")
}
