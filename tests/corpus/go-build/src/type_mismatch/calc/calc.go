package calc

import "strconv"

// Parse returns the number in s.
func Parse(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Label names n.
func Label(n int) string {
	return "n=" + n
}

// Sum adds the numbers in xs.
func Sum(xs []string) int {
	var total int
	for _, x := range xs {
		total += x
	}
	return total
}
