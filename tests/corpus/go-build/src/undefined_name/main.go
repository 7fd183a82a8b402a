package main

import "fmt"

func main() {
	total := add(1, 2)
	fmt.Println(total, totl)
	fmt.Println(sub(total, 1))
}

func add(a, b int) int {
	return a + b
}
