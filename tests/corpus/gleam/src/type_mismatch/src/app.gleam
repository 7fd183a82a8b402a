import gleam/io

pub fn main() {
  let unused = 1
  let x: Int = "hello"
  io.debug(x)
}
