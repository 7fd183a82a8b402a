package store

type Store struct {
Name string
  Size int
}
