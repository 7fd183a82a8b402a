package main

import "fmt"

func main() {
	name := "world"
	count := 3
	fmt.Printf("hello %d\n", name)
	fmt.Printf("%s has %d items\n", name)
	fmt.Println("done", count)
}
