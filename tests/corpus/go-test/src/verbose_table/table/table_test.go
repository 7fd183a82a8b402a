package table

import "testing"

// Each case logs what it checks; one case fails with t.Fatalf after its logs.
func TestSquare(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4} {
		n := n
		t.Run("n="+string(rune('0'+n)), func(t *testing.T) {
			t.Logf("checking %d", n)
			got := n * n
			if n == 3 {
				got++
			}
			t.Logf("got %d", got)
			if got != n*n {
				t.Fatalf("square(%d) = %d, want %d", n, got, n*n)
			}
		})
	}
}
