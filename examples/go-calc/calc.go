// Package calc is a tiny calculator, the sample project factory's e2e tests run on.
package calc

// Add returns the sum of a and b.
func Add(a, b int) int {
	return a + b
}

// Sub returns a minus b.
func Sub(a, b int) int {
	return a - b
}
