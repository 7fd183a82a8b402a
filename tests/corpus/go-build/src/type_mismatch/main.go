package main

import (
	"fmt"

	"example.com/m/calc"
)

func main() {
	var n string = calc.Parse("3")
	fmt.Println(n, calc.Label(2))
}
