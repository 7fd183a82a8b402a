package main

import (
	"fmt"

	"example.com/m/shape"
)

func main() {
	fmt.Println(shape.Move(shape.Point{X: 1}, 2))
}
